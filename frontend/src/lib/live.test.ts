import { describe, expect, it } from 'vitest';
import {
  CLOSE,
  HEARTBEAT_MS,
  LiveClient,
  LiveError,
  PONG_WAIT_MS,
  afterClose,
  backoffDelay,
  insertionIndex,
  parseFrame,
  type CatchUpInfo,
  type ConnectionState,
  type LiveEnv,
  type SocketLike,
} from './live';
import type { Note, Session } from './types';

// ---- a fake browser: sockets the test drives, and a clock it moves ----

class FakeSocket implements SocketLike {
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

class FakeEnv implements LiveEnv {
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

function note(seq: number, extra: Partial<Note> = {}): Note {
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
    ...extra,
  };
}

const noteMsg = (seq: number, extra: Partial<Note> = {}) => ({ type: 'note', channel: 'session:s1', note: note(seq, extra) });

function session(version: number, extra: Partial<Session> = {}): Session {
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
function following(catchUp: object[] = [], lastSeq = 0) {
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
function answer(env: FakeEnv, msgs: object[], lastSeq: number, reset = false) {
  const ws = env.socket;
  const sub = ws.ofType('subscribe').at(-1)!;
  ws.frame(
    { type: 'subscribed', channel: sub.channel, ref: sub.ref, after: reset ? 0 : sub.after, reset },
    ...msgs,
    { type: 'caught_up', channel: sub.channel, ref: sub.ref, last_seq: lastSeq, new_notes: msgs.length, sessions: 0 },
  );
}

// ---- pure parts ----

describe('parseFrame', () => {
  it('splits a coalesced frame into messages and skips what is not JSON', () => {
    const frame = '{"type":"pong"}\n{"type":"note","note":{"text":"a\\nb"}}\nnot json\n\n{"no":"type"}';
    const msgs = parseFrame(frame);
    expect(msgs.map((m) => m.type)).toEqual(['pong', 'note']);
    expect((msgs[1]!.note as Note).text).toBe('a\nb');
  });

  it('ignores binary data', () => {
    expect(parseFrame(new ArrayBuffer(3))).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('doubles from 1 s to a 30 s cap, with jitter in the upper half', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, low))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, high))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('spreads clients that retry at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => backoffDelay(3, () => i / 50)));
    expect(delays.size).toBe(50);
  });
});

describe('afterClose', () => {
  const r = () => 0.5;
  it('never reconnects with a revoked credential (4001)', () => {
    expect(afterClose(4001, 0, r)).toEqual({ reconnect: false, reason: 'unauthorized' });
  });
  it('reconnects at once when dropped as too slow (4008), then backs off if it repeats', () => {
    expect(afterClose(4008, 0, r)).toEqual({ reconnect: true, delayMs: 0 });
    expect(afterClose(4008, 3, r)).toEqual({ reconnect: true, delayMs: backoffDelay(2, r) });
  });
  it('waits 1–5 s when the server is going away (1001)', () => {
    for (const x of [0, 0.5, 0.999]) {
      const d = afterClose(1001, 0, () => x);
      expect(d.reconnect && d.delayMs >= 1000 && d.delayMs <= 5000).toBe(true);
    }
  });
  it('backs off after a dropped link (1006) or an oversize message (1009)', () => {
    expect(afterClose(1006, 2, r)).toEqual({ reconnect: true, delayMs: backoffDelay(2, r) });
    expect(afterClose(1009, 0, r)).toEqual({ reconnect: true, delayMs: backoffDelay(0, r) });
  });
});

describe('insertionIndex', () => {
  it('finds the place of a seq in a sorted list', () => {
    const list = [1, 2, 4, 7].map((seq) => ({ seq }));
    expect([0, 3, 5, 8].map((s) => insertionIndex(list, s))).toEqual([0, 2, 3, 4]);
  });
});

// ---- the client ----

describe('LiveClient: subscriptions and seq tracking', () => {
  it('opens one socket for many subscriptions and subscribes each once ready', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    client.subscribe('session:s1', {});
    client.subscribe('meeting:m1', {});
    expect(env.sockets).toHaveLength(1);
    env.socket.open();
    expect(env.socket.sent).toEqual([]); // nothing before hello
    env.socket.hello();
    const subs = env.socket.ofType('subscribe');
    expect(subs.map((s) => [s.channel, s.after])).toEqual([
      ['session:s1', 0],
      ['meeting:m1', undefined],
    ]);
    client.subscribe('session:s2', {});
    expect(env.sockets).toHaveLength(1);
    expect(env.socket.ofType('subscribe').at(-1)!.channel).toBe('session:s2');
  });

  it('delivers catch-up then live notes in order, and resumes from the last seq after a drop', () => {
    const f = following([noteMsg(1), noteMsg(2), noteMsg(3)], 3);
    expect(f.seen).toEqual([1, 2, 3]);
    expect(f.caught).toEqual([{ channel: 'session:s1', newNotes: 3, first: true, since: null, lastSeq: 3 }]);
    f.env.socket.frame(noteMsg(4));
    expect(f.live.at(-1)).toBe(true);

    const lostAt = f.env.time;
    f.env.socket.drop();
    expect(f.client.connectionState).toBe('reconnecting');
    f.env.advance(1000);
    expect(f.env.sockets).toHaveLength(2);
    f.env.socket.open();
    f.env.socket.hello();
    expect(f.env.socket.ofType('subscribe')[0]!.after).toBe(4);
    answer(f.env, [noteMsg(5), noteMsg(6)], 6);
    expect(f.seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.caught.at(-1)).toEqual({ channel: 'session:s1', newNotes: 2, first: false, since: lostAt, lastSeq: 6 });
  });

  it('moves its cursor past notes it may not read (caught_up.last_seq)', () => {
    const f = following([noteMsg(1), noteMsg(3)], 5);
    expect(f.client.lastSeq('session:s1')).toBe(5);
    f.env.socket.drop();
    f.env.advance(1000);
    f.env.socket.open();
    f.env.socket.hello();
    expect(f.env.socket.ofType('subscribe')[0]!.after).toBe(5);
  });

  it('ignores a note whose seq it already holds, however it comes back', () => {
    const f = following([noteMsg(1), noteMsg(2)], 2);
    f.env.socket.frame(noteMsg(2), noteMsg(3), noteMsg(3), noteMsg(1));
    expect(f.seen).toEqual([1, 2, 3]);
    expect(f.client.duplicatesIgnored('session:s1')).toBe(3);
  });

  it('ignores what a dead socket says after it was given up', () => {
    const f = following([noteMsg(1)], 1);
    const old = f.env.socket;
    const oldOnMessage = old.onmessage;
    f.client.network(false); // dropped on the "offline" event
    oldOnMessage?.({ data: JSON.stringify(noteMsg(2)) }); // held by the browser, delivered late
    expect(f.seen).toEqual([1]);
    expect(old.closedWith).toBe(1000);
  });

  it('starts over when the server resets the record', () => {
    const f = following([noteMsg(1), noteMsg(2)], 2);
    f.env.socket.drop();
    f.env.advance(1000);
    f.env.socket.open();
    f.env.socket.hello();
    answer(f.env, [noteMsg(1, { text: 'restored' })], 1, true);
    expect(f.resets).toBe(1);
    expect(f.seen).toEqual([1]);
    expect(f.client.lastSeq('session:s1')).toBe(1);
  });

  it('drops messages of an earlier subscription of the same channel', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    const seen: number[] = [];
    const stop = client.subscribe('session:s1', {});
    env.socket.open();
    env.socket.hello();
    const first = env.socket.ofType('subscribe')[0]!;
    stop();
    // Nothing left: the socket is closed; a new view subscribes again.
    expect(env.socket.closedWith).toBe(1000);
    client.subscribe('session:s1', { note: (n) => seen.push(n.seq) });
    env.socket.open();
    env.socket.hello();
    // A late answer to the first subscribe is not ours.
    env.socket.frame({ type: 'subscribed', channel: 'session:s1', ref: first.ref }, noteMsg(9));
    expect(seen).toEqual([]);
    answer(env, [noteMsg(1)], 1);
    expect(seen).toEqual([1]);
  });

  it('shares a channel between views: the second starts from what is held', () => {
    const f = following([noteMsg(1), noteMsg(2)], 2);
    const second: number[] = [];
    let caught = false;
    const stop2 = f.client.subscribe('session:s1', { note: (n) => second.push(n.seq), caughtUp: () => (caught = true) });
    expect(second).toEqual([1, 2]);
    expect(caught).toBe(true);
    expect(f.env.socket.ofType('subscribe')).toHaveLength(1);
    f.env.socket.frame(noteMsg(3));
    expect(second).toEqual([1, 2, 3]);
    stop2();
    expect(f.env.socket.ofType('unsubscribe')).toHaveLength(0); // the first view still follows
    f.stop();
    expect(f.env.socket.ofType('unsubscribe')).toHaveLength(1);
    expect(f.client.connectionState).toBe('idle');
  });

  it('keeps a meeting agenda: sessions by version, and those gone while away are deleted', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    const agenda = new Map<string, Session>();
    client.subscribe('meeting:m1', {
      session: (s) => agenda.set(s.id, s),
      sessionDeleted: (id) => agenda.delete(id),
    });
    env.socket.open();
    env.socket.hello();
    const ch = 'meeting:m1';
    answer(env, [
      { type: 'session', channel: ch, session: session(1, { id: 'a' }) },
      { type: 'session', channel: ch, session: session(4, { id: 'b' }) },
    ], 0);
    env.socket.frame({ type: 'session', channel: ch, session: session(3, { id: 'b', title: 'old' }) });
    expect(agenda.get('b')!.version).toBe(4);
    env.socket.drop();
    env.advance(1000);
    env.socket.open();
    env.socket.hello();
    answer(env, [{ type: 'session', channel: ch, session: session(2, { id: 'a', status: 'ended' }) }], 0);
    expect([...agenda.keys()]).toEqual(['a']);
    expect(agenda.get('a')!.status).toBe('ended');
  });

  it('passes on message types it does not know, for the views that do', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    const got: string[] = [];
    client.subscribe('meeting:m1', { message: (m) => got.push(m.type) });
    env.socket.open();
    env.socket.hello();
    answer(env, [], 0);
    env.socket.frame({ type: 'outcome', channel: 'meeting:m1' }, { type: 'action', channel: 'meeting:other' });
    expect(got).toEqual(['outcome']);
  });

  it('reports a refused channel once and does not ask again', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    const errors: LiveError[] = [];
    client.subscribe('session:secret', { error: (e) => errors.push(e) });
    env.socket.open();
    env.socket.hello();
    const sub = env.socket.ofType('subscribe')[0]!;
    env.socket.frame({ type: 'error', ref: sub.ref, channel: 'session:secret', code: 'not_found', message: 'No session.' });
    expect(errors.map((e) => e.code)).toEqual(['not_found']);
    env.socket.drop();
    env.advance(1000);
    env.socket.open();
    env.socket.hello();
    expect(env.socket.ofType('subscribe')).toHaveLength(0);
  });
});

describe('LiveClient: reconnection', () => {
  it('backs off exponentially while the server cannot be reached, and starts over once connected', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    client.subscribe('session:s1', {});
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      env.socket.drop(); // refused before it opened
      waits.push(env.nextTimerIn()!);
      env.advance(waits[i]!);
    }
    expect(waits).toEqual([750, 1500, 3000, 6000, 12000, 22500, 22500]);
    env.socket.open();
    env.socket.hello();
    env.advance(10_000); // a healthy connection…
    env.socket.drop(); // …that drops: start again from the smallest wait
    expect(env.nextTimerIn()).toBe(750);
  });

  it('reconnects at once when the browser is back online or the page visible again', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    client.subscribe('session:s1', {});
    for (let i = 0; i < 5; i++) {
      env.socket.drop();
      env.advance(env.nextTimerIn()!);
    }
    env.socket.drop();
    expect(env.nextTimerIn()).toBeGreaterThan(10_000);
    const before = env.sockets.length;
    client.network(true);
    expect(env.sockets.length).toBe(before + 1);
    env.socket.drop();
    client.wake();
    expect(env.sockets.length).toBe(before + 2);
  });

  it('goes offline at once when the browser says so, and shows it', () => {
    const f = following([], 0);
    const states: ConnectionState[] = [];
    f.client.onState((s) => states.push(s));
    f.env.online = false;
    f.client.network(false);
    expect(states).toEqual(['connected', 'offline']);
    f.env.advance(f.env.nextTimerIn()!);
    f.env.socket.drop(); // attempts fail while offline
    expect(f.client.connectionState).toBe('offline');
    f.env.online = true;
    const n = f.env.sockets.length;
    f.client.network(true);
    expect(f.env.sockets.length).toBe(n + 1);
    expect(f.client.connectionState).toBe('reconnecting');
  });

  it('stops on 4001 and connects again only for a new sign-in', () => {
    const f = following([], 0);
    f.env.socket.drop(CLOSE.signInAgain);
    expect(f.client.connectionState).toBe('unauthorized');
    f.env.advance(120_000);
    expect(f.env.sockets).toHaveLength(1);
    f.client.network(true);
    f.client.wake();
    expect(f.env.sockets).toHaveLength(1);
    f.client.resume();
    expect(f.env.sockets).toHaveLength(2);
  });

  it('reconnects at once on 4008 (too slow) and resumes from its seq', () => {
    const f = following([noteMsg(1)], 1);
    f.env.advance(10_000);
    f.env.socket.drop(CLOSE.tooSlow);
    expect(f.env.nextTimerIn()).toBe(0);
    f.env.advance(0);
    f.env.socket.open();
    f.env.socket.hello();
    expect(f.env.socket.ofType('subscribe')[0]!.after).toBe(1);
  });

  it('asks the API whether the user is still signed in when connections keep failing', async () => {
    const env = new FakeEnv();
    env.signedIn = false;
    const client = new LiveClient(env);
    client.subscribe('session:s1', {});
    env.socket.drop();
    env.advance(env.nextTimerIn()!);
    env.socket.drop();
    await Promise.resolve();
    await Promise.resolve();
    expect(client.connectionState).toBe('unauthorized');
  });

  it('drops a silent link: a ping unanswered within the wait', () => {
    const f = following([], 0);
    const ws = f.env.socket;
    f.env.advance(HEARTBEAT_MS);
    expect(ws.ofType('ping')).toHaveLength(1);
    f.env.advance(PONG_WAIT_MS);
    expect(ws.closedWith).toBe(1000);
    expect(f.client.connectionState).toBe('reconnecting');
  });

  it('keeps a link that answers its pings, and pings only when quiet', () => {
    const f = following([], 0);
    const ws = f.env.socket;
    f.env.advance(HEARTBEAT_MS);
    ws.frame({ type: 'pong' });
    f.env.advance(PONG_WAIT_MS);
    expect(ws.closedWith).toBeNull();
    for (let i = 0; i < 5; i++) {
      f.env.advance(HEARTBEAT_MS / 2);
      ws.frame(noteMsg(i + 1));
    }
    expect(ws.ofType('ping')).toHaveLength(1);
  });

  it('checks the link when the page becomes visible again', () => {
    const f = following([], 0);
    f.client.wake();
    expect(f.env.socket.ofType('ping')).toHaveLength(1);
    f.env.advance(PONG_WAIT_MS);
    expect(f.client.connectionState).toBe('reconnecting');
  });
});

describe('LiveClient: posts', () => {
  const input = { session_id: 's1', client_id: 'c-1', text: 'Welcome.', marking: 'delegations' as const };

  it('resolves with the ack of its own ref', async () => {
    const f = following([], 0);
    const p = f.client.post(input);
    const sent = f.env.socket.ofType('post')[0]!;
    expect(sent).toMatchObject({ ...input, type: 'post' });
    f.env.socket.frame({ type: 'ack', ref: sent.ref, session_id: 's1', client_id: 'c-1', seq: 7, created: true });
    await expect(p).resolves.toMatchObject({ seq: 7, created: true });
  });

  it('rejects with the server error, final or retryable', async () => {
    const f = following([], 0);
    const p = f.client.post(input);
    const sent = f.env.socket.ofType('post')[0]!;
    f.env.socket.frame({ type: 'error', ref: sent.ref, code: 'conflict', message: 'The session has ended.', client_id: 'c-1' });
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LiveError);
    expect([(err as LiveError).code, (err as LiveError).retryable]).toEqual(['conflict', false]);
  });

  it('rejects as offline when not connected, and as disconnected when the link drops before the answer', async () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    client.subscribe('session:s1', {});
    await expect(client.post(input)).rejects.toMatchObject({ code: 'offline' });
    env.socket.open();
    env.socket.hello();
    const p = client.post(input);
    env.socket.drop();
    await expect(p).rejects.toMatchObject({ code: 'disconnected', retryable: true });
  });

  it('refuses a message over the server limit instead of being disconnected for it', async () => {
    const f = following([], 0);
    await expect(f.client.post({ ...input, text: 'é'.repeat(40_000) })).rejects.toMatchObject({ code: 'invalid' });
    expect(f.env.socket.ofType('post')).toHaveLength(0);
  });

  it('tells ready listeners each time a connection is ready', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    let ready = 0;
    client.onReady(() => ready++);
    client.subscribe('session:s1', {});
    env.socket.open();
    env.socket.hello();
    env.socket.drop();
    env.advance(env.nextTimerIn()!);
    env.socket.open();
    env.socket.hello();
    expect(ready).toBe(2);
  });
});
