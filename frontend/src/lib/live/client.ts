// The live connection: one WebSocket per tab to /api/v1/live, carrying every
// subscription of every view (docs/live-protocol.md). Views never open a
// socket themselves; they subscribe to a channel here and get its messages.
//
// What this module guarantees a view:
// - every note of a followed session once, in seq order, across dropped links,
//   sleeps and server restarts: each channel (channel.ts) keeps the highest
//   seq it has seen and subscribes again with it after every reconnect;
// - reconnection with capped exponential back-off and jitter (backoff.ts), at
//   once when the browser says it is online again or the page becomes
//   visible, and as the server's close code asks (4001: stop and sign in
//   again; 4008: at once);
// - a dead link noticed within seconds: browsers cannot send WebSocket pings,
//   so the client sends {"type":"ping"} when the line has been quiet and drops
//   the socket when nothing comes back;
// - posts handed to the server on the open socket, answered by their ref
//   (the outbox, ../outbox.ts, keeps them until then).
//
// Everything that touches the browser (WebSocket, timers, clock, randomness,
// navigator.onLine) comes in through LiveEnv, so the logic is tested in plain
// Node (client.test.ts). The app's one instance is in ../live.svelte.ts.

import type { Marking, Note, PublicUser, Session } from '../types';
import { DEFAULT_BACKOFF, HEARTBEAT_MS, PONG_WAIT_MS, STABLE_MS, afterClose, type BackoffOptions } from './backoff';
import { Channel, type ChannelHandlers, type KeptNotes } from './channel';
import {
  CLOSE,
  LiveError,
  MAX_MESSAGE_BYTES,
  parseFrame,
  type AckMessage,
  type CaughtUpMessage,
  type ErrorMessage,
  type HelloMessage,
  type PostInput,
  type ServerMessage,
} from './protocol';

// ---- environment ----

/** The part of a browser WebSocket this module uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type TimerHandle = unknown;

export interface LiveEnv {
  url(): string;
  createSocket(url: string): SocketLike;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  now(): number;
  /** In [0, 1). */
  random(): number;
  /** navigator.onLine: false means certainly offline; true means perhaps online. */
  isOnline(): boolean;
  /**
   * Asked after connections fail before opening, whose cause a browser
   * cannot see: false when the server says the user is no longer signed in.
   */
  checkSignedIn?(): Promise<boolean>;
  /**
   * Where session channels keep their notes between page loads (see
   * ../keptNotes.ts), so that a reload without network still shows the
   * record, and a return to the page catches up from where it was left.
   */
  keep?: NoteKeeper;
}

/** Keeps a session channel's notes across page loads; whose they are is the keeper's business. */
export interface NoteKeeper {
  load(channel: string): KeptNotes | null;
  save(channel: string, kept: KeptNotes): void;
}

/** How long notes that arrived wait before they are kept: a burst is written once. */
export const KEEP_DELAY_MS = 1000;

export type ConnectionState =
  /** No subscription wants a connection. */
  | 'idle'
  /** The first connection is being opened. */
  | 'connecting'
  /** Open, hello received. */
  | 'connected'
  /** The link was lost; trying again (with back-off). */
  | 'reconnecting'
  /** The browser reports no network; trying again when it comes back. */
  | 'offline'
  /** The server no longer accepts this sign-in (4001): sign in again. */
  | 'unauthorized';

const utf8 = new TextEncoder();

interface PendingPost {
  resolve(ack: AckMessage): void;
  reject(err: LiveError): void;
}

const OPEN = 1;

// ---- the client ----

export class LiveClient {
  private readonly env: LiveEnv;
  private readonly backoff: BackoffOptions;
  private socket: SocketLike | null = null;
  private ready = false;
  private state: ConnectionState = 'idle';
  private readonly channels = new Map<string, Channel>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly readyListeners = new Set<() => void>();
  private readonly posts = new Map<string, PendingPost>();
  private refCounter = 0;
  private attempt = 0;
  /** Connections in a row that failed before they opened. */
  private failedOpens = 0;
  private reconnectTimer: TimerHandle | null = null;
  private heartbeatTimer: TimerHandle | null = null;
  private pongTimer: TimerHandle | null = null;
  private lastMessageAt = 0;
  /** Frames received on the current socket: a ping is answered when this moves. */
  private frames = 0;
  private helloAt = 0;
  /** When the link was lost, for "n new notes since 10:42"; null while connected. */
  private lostAt: number | null = null;
  private checkingSignIn = false;
  /** Channels whose notes are to be kept when keepTimer fires. */
  private readonly toKeep = new Set<Channel>();
  private keepTimer: TimerHandle | null = null;

  /** Who the server says we are, from hello. */
  user: PublicUser | null = null;
  clearance: Marking | null = null;

  constructor(env: LiveEnv, backoff: BackoffOptions = DEFAULT_BACKOFF) {
    this.env = env;
    this.backoff = backoff;
  }

  // ---- what views use ----

  /**
   * Follows a channel ("session:<id>" or "meeting:<id>") until the returned
   * function is called. A channel already followed by another view is shared:
   * the new listener first gets what the channel holds.
   */
  subscribe(channel: string, handlers: ChannelHandlers): () => void {
    let ch = this.channels.get(channel);
    const isNew = !ch;
    let restored = false;
    if (!ch) {
      ch = new Channel(channel);
      const kept = ch.isSession ? this.env.keep?.load(channel) : null;
      if (kept) {
        ch.restore(kept);
        restored = true;
      }
      this.channels.set(channel, ch);
    }
    ch.listeners.add(handlers);
    if (!isNew || restored) ch.replay(handlers);

    if (this.state === 'unauthorized') {
      // A view that subscribes after signing in again starts a new connection.
      this.setState('idle');
    }
    if (this.socket && this.ready && isNew) this.sendSubscribe(ch);
    else this.ensureConnection();

    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.unsubscribe(ch, handlers);
    };
  }

  /** Listens to the connection's state; called at once with the current one. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  /** Called each time a connection is ready (hello received, subscriptions sent). */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Posts a note on the socket. Resolves with the server's ack (the note is
   * stored); rejects with a LiveError: the server's error (final unless
   * `retryable`), or "offline" / "disconnected" when it could not be sent or
   * the link dropped before the answer — then the note may or may not be
   * stored, and sending it again with the same client_id is safe.
   */
  post(input: PostInput): Promise<AckMessage> {
    if (!this.socket || !this.ready) {
      return Promise.reject(new LiveError('offline', 'Not connected.'));
    }
    const ref = `p${++this.refCounter}`;
    const body = JSON.stringify({ type: 'post', ref, ...input });
    if (utf8.encode(body).length > MAX_MESSAGE_BYTES) {
      // The server would close the connection (1009); refuse it here instead.
      return Promise.reject(new LiveError('invalid', 'The note is too long to send.', 'text'));
    }
    return new Promise<AckMessage>((resolve, reject) => {
      this.posts.set(ref, { resolve, reject });
      this.sendRaw(body);
    });
  }

  /** The browser's online/offline events. */
  network(online: boolean): void {
    if (online) {
      if (!this.socket && this.wanted() && this.state !== 'unauthorized') {
        this.attempt = 0;
        this.connectNow();
      } else if (this.ready) {
        this.checkLink();
      }
      return;
    }
    // The system says there is no network. An open socket is dead or about
    // to be, and some browsers keep it "open" and hold its messages until the
    // network returns: drop it now and resume properly when we are back.
    if (this.socket) this.drop();
    if (this.state === 'reconnecting') this.setState('offline');
  }

  /** The page became visible again (or was restored from the back/forward cache). */
  wake(): void {
    if (this.state === 'unauthorized') return;
    if (!this.socket && this.wanted()) {
      this.attempt = 0;
      this.connectNow();
    } else if (this.ready) {
      // After a sleep the socket may be dead without having said so.
      this.checkLink();
    }
  }

  /** Connects again after "unauthorized", once the user is signed in again. */
  resume(): void {
    if (this.state !== 'unauthorized') return;
    this.setState('idle');
    this.attempt = 0;
    if (this.wanted()) this.ensureConnection();
  }

  /** For tests and diagnostics: notes ignored because they were already held. */
  duplicatesIgnored(channel: string): number {
    return this.channels.get(channel)?.duplicates ?? 0;
  }

  /** For tests: the seq a channel would resume from. */
  lastSeq(channel: string): number {
    return this.channels.get(channel)?.lastSeq ?? 0;
  }

  /** The notes a followed channel holds, in seq order (empty when it is not followed). */
  notes(channel: string): readonly Note[] {
    return this.channels.get(channel)?.notes ?? [];
  }

  // ---- connection ----

  private wanted(): boolean {
    return this.channels.size > 0;
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of [...this.stateListeners]) l(s);
  }

  private ensureConnection(): void {
    if (this.socket || this.reconnectTimer !== null || this.state === 'unauthorized') return;
    this.connectNow();
  }

  private connectNow(): void {
    this.clearReconnect();
    if (this.socket) return;
    if (this.state === 'idle' || this.state === 'connecting') this.setState('connecting');
    else this.setState(this.env.isOnline() ? 'reconnecting' : 'offline');
    let ws: SocketLike;
    try {
      ws = this.env.createSocket(this.env.url());
    } catch {
      this.scheduleReconnect(CLOSE.abnormal, false);
      return;
    }
    this.socket = ws;
    this.ready = false;
    let opened = false;
    ws.onopen = () => {
      if (this.socket === ws) opened = true;
    };
    ws.onmessage = (ev) => {
      if (this.socket === ws) this.onFrame(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.socket === ws) this.onLost(ev.code, opened);
    };
    ws.onerror = () => {
      // A close event follows; nothing to do here.
    };
  }

  /** Abandons the current socket as dead: its late messages are ignored. */
  private drop(): void {
    const ws = this.socket;
    if (!ws) return;
    const wasOpen = ws.readyState === OPEN || this.ready;
    this.detach(ws);
    try {
      ws.close(CLOSE.normal, 'reconnecting');
    } catch {
      // already closed
    }
    this.onLost(CLOSE.abnormal, wasOpen);
  }

  private detach(ws: SocketLike): void {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (this.socket === ws) this.socket = null;
  }

  private onLost(code: number, opened: boolean): void {
    const ws = this.socket;
    if (ws) this.detach(ws);
    const wasReady = this.ready;
    this.ready = false;
    this.clearHeartbeat();
    for (const ch of this.channels.values()) ch.lost();
    this.failPosts();

    if (wasReady && this.lostAt === null) this.lostAt = this.env.now();
    if (wasReady && this.env.now() - this.helloAt >= STABLE_MS) this.attempt = 0;
    if (!this.wanted()) {
      this.setState('idle');
      return;
    }
    this.scheduleReconnect(code, opened);
  }

  private scheduleReconnect(code: number, opened: boolean): void {
    const decision = afterClose(code, this.attempt, this.env.random, this.backoff);
    if (!decision.reconnect) {
      this.setState('unauthorized');
      return;
    }
    this.attempt++;
    this.setState(this.env.isOnline() ? 'reconnecting' : 'offline');
    this.failedOpens = opened ? 0 : this.failedOpens + 1;
    if (this.failedOpens >= 2) this.checkSignIn();
    this.clearReconnect();
    this.reconnectTimer = this.env.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.wanted() && !this.socket && this.state !== 'unauthorized') this.connectNow();
    }, decision.delayMs);
  }

  /**
   * A handshake refused with 401 looks, to a browser, like any failed
   * connection: ask the API whether we are still signed in.
   */
  private checkSignIn(): void {
    const check = this.env.checkSignedIn;
    if (!check || this.checkingSignIn || !this.env.isOnline()) return;
    this.checkingSignIn = true;
    check()
      .then((signedIn) => {
        if (!signedIn) {
          this.clearReconnect();
          this.setState('unauthorized');
        }
      })
      .catch(() => {})
      .finally(() => {
        this.checkingSignIn = false;
      });
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) {
      this.env.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  /** Rejects the posts still waiting for an answer: they go again on the next connection. */
  private failPosts(): void {
    const pending = [...this.posts.values()];
    this.posts.clear();
    for (const p of pending) p.reject(new LiveError('disconnected', 'The connection dropped before the server answered.'));
  }

  private close(): void {
    this.failPosts();
    if (this.keepTimer !== null) {
      this.env.clearTimeout(this.keepTimer);
      this.keepTimer = null;
    }
    this.keepPending();
    this.clearReconnect();
    this.clearHeartbeat();
    const ws = this.socket;
    if (ws) {
      this.detach(ws);
      try {
        ws.close(CLOSE.normal, 'done');
      } catch {
        // already closed
      }
    }
    this.ready = false;
    this.attempt = 0;
    this.failedOpens = 0;
    this.lostAt = null;
    if (this.state !== 'unauthorized') this.setState('idle');
  }

  private sendRaw(text: string): void {
    try {
      this.socket?.send(text);
    } catch {
      // The close event follows and everything is sent again after it.
    }
  }

  private send(msg: Record<string, unknown>): void {
    this.sendRaw(JSON.stringify(msg));
  }

  // ---- heartbeat ----

  private startHeartbeat(): void {
    this.clearHeartbeat();
    const tick = () => {
      this.heartbeatTimer = this.env.setTimeout(tick, HEARTBEAT_MS);
      if (this.ready && this.pongTimer === null && this.env.now() - this.lastMessageAt >= HEARTBEAT_MS) {
        this.checkLink();
      }
    };
    this.heartbeatTimer = this.env.setTimeout(tick, HEARTBEAT_MS);
  }

  /** Sends a ping; when nothing at all arrives in PONG_WAIT_MS, the link is dead. */
  private checkLink(): void {
    if (!this.ready || this.pongTimer !== null) return;
    const framesAtPing = this.frames;
    this.send({ type: 'ping', ref: `k${++this.refCounter}` });
    this.pongTimer = this.env.setTimeout(() => {
      this.pongTimer = null;
      if (this.ready && this.frames === framesAtPing) this.drop();
    }, PONG_WAIT_MS);
  }

  private clearHeartbeat(): void {
    if (this.heartbeatTimer !== null) this.env.clearTimeout(this.heartbeatTimer);
    if (this.pongTimer !== null) this.env.clearTimeout(this.pongTimer);
    this.heartbeatTimer = this.pongTimer = null;
  }

  // ---- messages ----

  private onFrame(data: unknown): void {
    this.lastMessageAt = this.env.now();
    this.frames++;
    if (this.pongTimer !== null) {
      this.env.clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    for (const m of parseFrame(data)) {
      this.guard(() => this.handle(m));
    }
    for (const ch of this.channels.values()) {
      this.guard(() => ch.flush());
      if (ch.unkept && ch.phase === 'live') this.keepLater(ch);
    }
  }

  // ---- keeping notes across page loads ----

  private keepLater(ch: Channel): void {
    if (!this.env.keep) return;
    this.toKeep.add(ch);
    this.keepTimer ??= this.env.setTimeout(() => {
      this.keepTimer = null;
      this.keepPending();
    }, KEEP_DELAY_MS);
  }

  private keepPending(): void {
    const chs = [...this.toKeep];
    this.toKeep.clear();
    for (const ch of chs) this.keepNow(ch);
  }

  private keepNow(ch: Channel): void {
    const kept = ch.toKeep(this.env.now());
    if (!kept || !this.env.keep) return;
    ch.unkept = false;
    this.guard(() => this.env.keep!.save(ch.name, kept));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // A listener's bug must not break the connection for every other view.
      console.error('live: a listener failed', err);
    }
  }

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case 'hello':
        return this.onHello(m as unknown as HelloMessage);
      case 'subscribed':
        return this.onSubscribed(m);
      case 'note':
        return this.onNote(m);
      case 'session':
        return this.onSession(m);
      case 'session_deleted':
        return this.onSessionDeleted(m);
      case 'caught_up':
        return this.onCaughtUp(m as unknown as CaughtUpMessage);
      case 'ack':
        return this.onAck(m as unknown as AckMessage);
      case 'error':
        return this.onError(m as unknown as ErrorMessage);
      case 'pong':
      case 'unsubscribed':
        return;
      default:
        return this.active(m)?.message(m);
    }
  }

  private onHello(m: HelloMessage): void {
    this.user = m.user ?? null;
    this.clearance = m.clearance ?? null;
    this.ready = true;
    this.helloAt = this.env.now();
    this.failedOpens = 0;
    const since = this.lostAt;
    this.lostAt = null;
    for (const ch of this.channels.values()) {
      if (ch.phase === 'failed') continue;
      ch.resuming(since);
      this.sendSubscribe(ch);
    }
    this.setState('connected');
    this.startHeartbeat();
    for (const l of [...this.readyListeners]) l();
  }

  private sendSubscribe(ch: Channel): void {
    ch.phase = 'subscribing';
    ch.subRef = `s${++this.refCounter}`;
    const msg: Record<string, unknown> = { type: 'subscribe', channel: ch.name, ref: ch.subRef };
    if (ch.isSession) msg.after = ch.lastSeq;
    const cursor = ch.subscribeCursor();
    if (cursor !== undefined) msg.cursor = cursor;
    this.send(msg);
  }

  /** The channel a message belongs to, if it is ours and past its "subscribed". */
  private active(m: ServerMessage): Channel | undefined {
    const ch = typeof m.channel === 'string' ? this.channels.get(m.channel) : undefined;
    // Before "subscribed", a message is left over from an earlier subscription.
    return ch?.active ? ch : undefined;
  }

  private onSubscribed(m: ServerMessage): void {
    const ch = typeof m.channel === 'string' ? this.channels.get(m.channel) : undefined;
    ch?.subscribed(m.ref, m.reset === true);
  }

  private onNote(m: ServerMessage): void {
    const note = m.note as Note | undefined;
    if (note && typeof note === 'object') this.active(m)?.note(note);
  }

  private onSession(m: ServerMessage): void {
    const s = m.session as Session | undefined;
    if (s && typeof s === 'object' && typeof s.id === 'string') this.active(m)?.session(s);
  }

  private onSessionDeleted(m: ServerMessage): void {
    const id = m.session_id;
    if (typeof id === 'string') this.active(m)?.sessionDeleted(id);
  }

  private onCaughtUp(m: CaughtUpMessage): void {
    this.active(m as unknown as ServerMessage)?.caughtUp(m);
  }

  private onAck(m: AckMessage): void {
    const p = m.ref ? this.posts.get(m.ref) : undefined;
    if (!p || !m.ref) return;
    this.posts.delete(m.ref);
    p.resolve(m);
  }

  private onError(m: ErrorMessage): void {
    const err = new LiveError(m.code || 'internal', m.message || 'The server refused the request.', m.field);
    const p = m.ref ? this.posts.get(m.ref) : undefined;
    if (p && m.ref) {
      this.posts.delete(m.ref);
      p.reject(err);
      return;
    }
    const ch = m.channel ? this.channels.get(m.channel) : undefined;
    if (ch && ch.phase === 'subscribing' && (m.ref === undefined || m.ref === ch.subRef)) {
      if (err.code === 'internal') {
        // Our side of the server failed: try again with the next connection.
        ch.phase = 'waiting';
        return;
      }
      ch.refused(err);
    }
  }

  // ---- subscriptions ----

  private unsubscribe(ch: Channel, handlers: ChannelHandlers): void {
    ch.listeners.delete(handlers);
    if (ch.listeners.size > 0 || this.channels.get(ch.name) !== ch) return;
    // Kept now, not later: the page that comes back resumes from here.
    if (this.toKeep.delete(ch)) this.keepNow(ch);
    this.channels.delete(ch.name);
    if (this.ready && ch.phase !== 'failed' && ch.phase !== 'waiting') {
      this.send({ type: 'unsubscribe', channel: ch.name, ref: `u${++this.refCounter}` });
    }
    if (!this.wanted()) this.close();
  }
}
