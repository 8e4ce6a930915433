import { describe, expect, it } from 'vitest';
import { KEEP_DELAY_MS, LiveClient, type NoteKeeper } from './client';
import type { CatchUpInfo, KeptNotes } from './channel';
import { answer, FakeEnv, note, noteMsg } from './fakes';

// A session channel keeps its notes through the env's keeper, and a channel
// opened again (a reload, a return to the page) starts from them: shown at
// once, then a resume after their last seq whose notes are the missed ones.

class MemoryKeeper implements NoteKeeper {
  kept = new Map<string, KeptNotes>();
  saves = 0;
  load(channel: string) {
    return this.kept.get(channel) ?? null;
  }
  save(channel: string, kept: KeptNotes) {
    this.saves++;
    this.kept.set(channel, { ...kept, notes: [...kept.notes] });
  }
}

function view(client: LiveClient, channel = 'session:s1') {
  const seen: { seq: number; live: boolean }[] = [];
  const caught: CatchUpInfo[] = [];
  let shown: number[] = [];
  const stop = client.subscribe(channel, {
    note: (n, live) => seen.push({ seq: n.seq, live }),
    notes: (ns) => (shown = ns.map((n) => n.seq)),
    caughtUp: (i) => caught.push(i),
  });
  return { seen, caught, stop, get shown() { return shown; } };
}

function connect(env: FakeEnv) {
  env.socket.open();
  env.socket.hello();
}

describe('LiveClient: notes kept across page loads', () => {
  it('keeps a caught-up channel’s notes once per burst, after the delay', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    env.keep = keeper;
    const client = new LiveClient(env);
    view(client);
    connect(env);
    answer(env, [noteMsg(1), noteMsg(2)], 2);
    env.socket.frame(noteMsg(3));
    env.socket.frame(noteMsg(4));
    expect(keeper.saves).toBe(0);
    env.advance(KEEP_DELAY_MS);
    expect(keeper.saves).toBe(1);
    expect(keeper.kept.get('session:s1')).toMatchObject({ lastSeq: 4, at: env.time });
    expect(keeper.kept.get('session:s1')!.notes.map((n) => n.seq)).toEqual([1, 2, 3, 4]);
    env.advance(10 * KEEP_DELAY_MS);
    expect(keeper.saves).toBe(1); // nothing new, nothing written
  });

  it('does not keep a catch-up that has not ended', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    env.keep = keeper;
    const client = new LiveClient(env);
    view(client);
    connect(env);
    const sub = env.socket.ofType('subscribe').at(-1)!;
    env.socket.frame({ type: 'subscribed', channel: 'session:s1', ref: sub.ref, after: 0, reset: false }, noteMsg(1));
    env.advance(10 * KEEP_DELAY_MS);
    expect(keeper.saves).toBe(0);
  });

  it('keeps at once when the last view leaves, and a new view starts from what was kept', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    env.keep = keeper;
    const client = new LiveClient(env);
    const first = view(client);
    connect(env);
    answer(env, [noteMsg(1), noteMsg(2)], 2);
    env.socket.frame(noteMsg(3));
    const leftAt = env.time;
    first.stop();
    expect(keeper.kept.get('session:s1')).toMatchObject({ lastSeq: 3, at: leftAt });
    expect(env.socket.closedWith).toBe(1000);

    env.advance(60_000);
    const again = view(client);
    // Shown at once, before any connection: the offline reload's record.
    expect(again.shown).toEqual([1, 2, 3]);
    expect(again.caught).toEqual([{ channel: 'session:s1', newNotes: 3, first: true, since: null, lastSeq: 3 }]);
    connect(env);
    const sub = env.socket.ofType('subscribe').at(-1)!;
    expect(sub.after).toBe(3);
    answer(env, [noteMsg(4), noteMsg(5)], 5);
    // The missed notes arrive as a resume, since the time they were kept.
    expect(again.seen.filter((s) => s.seq > 3)).toEqual([
      { seq: 4, live: false },
      { seq: 5, live: false },
    ]);
    expect(again.caught.at(-1)).toEqual({ channel: 'session:s1', newNotes: 2, first: false, since: leftAt, lastSeq: 5 });
    expect(again.shown).toEqual([1, 2, 3, 4, 5]);
  });

  it('a restored channel that loses its link later resumes since the loss, not the keeping', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    keeper.kept.set('session:s1', { notes: [note(1)], lastSeq: 1, at: env.time - 5_000 });
    env.keep = keeper;
    const client = new LiveClient(env);
    const v = view(client);
    connect(env);
    answer(env, [], 1);
    const lostAt = env.time;
    env.socket.drop();
    env.advance(1000);
    connect(env);
    answer(env, [noteMsg(2)], 2);
    expect(v.caught.at(-1)).toMatchObject({ first: false, since: lostAt, newNotes: 1 });
  });

  it('starts over, and keeps the server’s record, when the server resets it', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    keeper.kept.set('session:s1', { notes: [note(1), note(2), note(3)], lastSeq: 3, at: env.time });
    env.keep = keeper;
    const client = new LiveClient(env);
    const v = view(client);
    connect(env);
    answer(env, [noteMsg(1, { text: 'restored' })], 1, true);
    expect(v.shown).toEqual([1]);
    env.advance(KEEP_DELAY_MS);
    expect(keeper.kept.get('session:s1')!.notes.map((n) => n.text)).toEqual(['restored']);
  });

  it('keeps nothing of meeting channels', () => {
    const env = new FakeEnv();
    const keeper = new MemoryKeeper();
    env.keep = keeper;
    const client = new LiveClient(env);
    view(client, 'meeting:m1');
    connect(env);
    answer(env, [], 0);
    env.advance(10 * KEEP_DELAY_MS);
    expect(keeper.saves).toBe(0);
  });
});
