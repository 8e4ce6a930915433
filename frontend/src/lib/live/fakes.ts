// A fake browser for the live client's tests: sockets the test drives as the
// server would, and a clock it moves by hand.
import type { Note, Session } from '../types';
import { LiveClient, type LiveEnv, type NoteKeeper, type SocketLike } from './client';
import type { CatchUpInfo } from './channel';
import { CLOSE } from './protocol';

// ---- a fake browser: sockets the test drives, and a clock it moves ----

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code ?? 1000;
    this.readyState = 3;
  }

  // server side
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  hello(clearance = 'delegations'): void {
    this.frame({ type: 'hello', user: { id: 'u1', name: 'Ruth', roles: ['rapporteur'] }, clearance });
  }
  frame(...msgs: object[]): void {
    this.onmessage?.({ data: msgs.map((m) => JSON.stringify(m)).join('\n') });
  }
  drop(code: number = CLOSE.abnormal): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** The messages of a type the client sent. */
  ofType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

export class FakeEnv implements LiveEnv {
  sockets: FakeSocket[] = [];
  time = 1_000_000;
  online = true;
  signedIn = true;
  rand = 0.5;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  url = () => 'ws://test/api/v1/live';
  createSocket = (url: string) => {
    const s = new FakeSocket(url);
    this.sockets.push(s);
    return s;
  };
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  now = () => this.time;
  random = () => this.rand;
  isOnline = () => this.online;
  checkSignedIn = async () => this.signedIn;
  keep?: NoteKeeper;

  get socket(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }

  /** Moves the clock, running the timers that fall due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }

  /** The delay of the earliest pending timer, if any. */
  nextTimerIn(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.values()) min = min === undefined ? t.at - this.time : Math.min(min, t.at - this.time);
    return min;
  }
}

export function note(seq: number, extra: Partial<Note> = {}): Note {
  return {
    id: `n${seq}`,
    session_id: 's1',
    meeting_id: 'm1',
    seq,
    client_id: `c${seq}`,
    author: 'u1',
    text: `note ${seq}`,
    marking: 'delegations',
    created_at: '2014-07-09T09:42:00Z',
    written_at: '2014-07-09T09:42:00Z',
    ...extra,
  };
}

export const noteMsg = (seq: number, extra: Partial<Note> = {}) => ({ type: 'note', channel: 'session:s1', note: note(seq, extra) });

export function session(version: number, extra: Partial<Session> = {}): Session {
  return {
    id: 's1',
    meeting_id: 'm1',
    title: 'Opening',
    start: '2014-07-09T08:30:00Z',
    end: '2014-07-09T09:30:00Z',
    room: 'Main',
    rapporteurs: [],
    topics: [],
    status: 'live',
    version,
    ...extra,
  };
}

/** A client following session s1, connected, with the first catch-up answered by `catchUp`. */
export function following(catchUp: object[] = [], lastSeq = 0) {
  const env = new FakeEnv();
  const client = new LiveClient(env);
  const seen: number[] = [];
  const live: boolean[] = [];
  const caught: CatchUpInfo[] = [];
  const sessions: Session[] = [];
  let resets = 0;
  const stop = client.subscribe('session:s1', {
    note: (n, isLive) => {
      seen.push(n.seq);
      live.push(isLive);
    },
    caughtUp: (i) => caught.push(i),
    session: (s) => sessions.push(s),
    reset: () => {
      resets++;
      seen.length = 0;
    },
  });
  const ws = env.socket;
  ws.open();
  ws.hello();
  const sub = ws.ofType('subscribe').at(-1)!;
  ws.frame(
    { type: 'subscribed', channel: 'session:s1', ref: sub.ref, after: 0, reset: false },
    ...catchUp,
    { type: 'caught_up', channel: 'session:s1', ref: sub.ref, last_seq: lastSeq, new_notes: catchUp.length, sessions: 0 },
  );
  return { env, client, seen, live, caught, sessions, stop, get resets() { return resets; } };
}

/** Answers the latest subscribe on the current socket. */
export function answer(env: FakeEnv, msgs: object[], lastSeq: number, reset = false) {
  const ws = env.socket;
  const sub = ws.ofType('subscribe').at(-1)!;
  ws.frame(
    { type: 'subscribed', channel: sub.channel, ref: sub.ref, after: reset ? 0 : sub.after, reset },
    ...msgs,
    { type: 'caught_up', channel: sub.channel, ref: sub.ref, last_seq: lastSeq, new_notes: msgs.length, sessions: 0 },
  );
}

// ---- pure parts ----
