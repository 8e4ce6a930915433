import { describe, expect, it } from 'vitest';
import type { ConnectionState } from './client';
import { LiveClient } from './client';
import { answer, FakeEnv, following, note, noteMsg, session } from './fakes';
import { HEARTBEAT_MS, PONG_WAIT_MS } from './backoff';
import { CLOSE, LiveError } from './protocol';
import type { Note, Session } from '../types';

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


describe('LiveClient: the channel’s notes, read by views', () => {
  function withNotes() {
    const f = following();
    const got: (readonly Note[])[] = [];
    const stop = f.client.subscribe('session:s1', { notes: (ns) => got.push(ns) });
    got.length = 0; // what it held on subscribing: nothing yet
    return { ...f, got, stop };
  }
  const seqs = (ns: readonly Note[] | undefined) => ns?.map((n) => n.seq);

  it('hands a view the notes once per frame, in seq order, as a new array each time', () => {
    const f = withNotes();
    f.env.socket.frame(noteMsg(1), noteMsg(3), noteMsg(2));
    expect(f.got.map(seqs)).toEqual([[1, 2, 3]]);
    const first = f.got[0]!;
    f.env.socket.frame(noteMsg(4));
    expect(f.got.map(seqs)).toEqual([[1, 2, 3], [1, 2, 3, 4]]);
    expect(seqs(first)).toEqual([1, 2, 3]); // what a view was handed is never changed under it
    expect(f.client.notes('session:s1')).toBe(f.got[1]);
  });

  it('says nothing when a frame changed nothing, and hands an empty record on reset', () => {
    const f = withNotes();
    f.env.socket.frame(noteMsg(1), noteMsg(2));
    f.env.socket.frame(noteMsg(2), { type: 'pong' });
    expect(f.got).toHaveLength(1);
    f.env.socket.drop();
    f.env.advance(1000);
    f.env.socket.open();
    f.env.socket.hello();
    const sub = f.env.socket.ofType('subscribe').at(-1)!;
    f.env.socket.frame({ type: 'subscribed', channel: 'session:s1', ref: sub.ref, after: 0, reset: true });
    expect(f.got.map(seqs).at(-1)).toEqual([]);
    answer(f.env, [noteMsg(1, { text: 'restored' })], 1);
    expect(f.got.at(-1)!.map((n) => n.text)).toEqual(['restored']);
  });

  it('starts a view that joins late with the notes held', () => {
    const f = following([noteMsg(1), noteMsg(2)], 2);
    let got: readonly Note[] = [];
    f.client.subscribe('session:s1', { notes: (ns) => (got = ns) });
    expect(seqs(got)).toEqual([1, 2]);
    expect(f.client.notes('session:other')).toEqual([]);
  });
});
