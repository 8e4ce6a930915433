import { describe, expect, it } from 'vitest';
import { LiveClient } from './client';
import type { CatchUpInfo } from './channel';
import { FakeEnv } from './fakes';

// The meeting cursor (docs/live-protocol.md, "The meeting cursor"): the client
// keeps the cursor of the last change it received on a meeting: channel,
// resumes with it, and tells its views to read over REST only when the
// catch-up could not replay what they missed.

const ch = 'meeting:m1';

/** Answers the latest subscribe of a meeting channel with msgs and a caught_up at cursor. */
function answerMeeting(env: FakeEnv, msgs: object[], cursor: string, reset = false) {
  const sub = env.socket.ofType('subscribe').at(-1)!;
  env.socket.frame(
    { type: 'subscribed', channel: ch, ref: sub.ref, after: 0, reset },
    ...msgs,
    { type: 'caught_up', channel: ch, ref: sub.ref, last_seq: 0, new_notes: 0, sessions: 0, cursor, changes: msgs.length },
  );
}

const action = (id: string, version: number, cursor: string) => ({
  type: 'action',
  channel: ch,
  cursor,
  action: { id, version },
});

function reconnect(env: FakeEnv) {
  env.socket.drop();
  env.advance(60_000);
  env.socket.open();
  env.socket.hello();
}

function follow() {
  const env = new FakeEnv();
  const client = new LiveClient(env);
  const caught: CatchUpInfo[] = [];
  const got: string[] = [];
  client.subscribe(ch, {
    caughtUp: (i) => caught.push(i),
    message: (m) => got.push(`${(m.action as { id: string }).id}@${(m.action as { version: number }).version}`),
  });
  env.socket.open();
  env.socket.hello();
  return { env, client, caught, got };
}

describe('LiveClient: the meeting cursor', () => {
  it('subscribes first without a cursor, and the views read over REST', () => {
    const { env, caught } = follow();
    expect(env.socket.ofType('subscribe')[0]!.cursor).toBeUndefined();
    answerMeeting(env, [], 'e.4');
    expect(caught.map((c) => c.resync)).toEqual([true]);
  });

  it('resumes from the last change received, and the views need not read again', () => {
    const { env, caught, got } = follow();
    answerMeeting(env, [], 'e.4');
    env.socket.frame(action('a', 2, 'e.5'), action('b', 1, 'e.7'));
    reconnect(env);
    expect(env.socket.ofType('subscribe').at(-1)!.cursor).toBe('e.7');
    answerMeeting(env, [action('a', 3, 'e.8')], 'e.9');
    expect(got).toEqual(['a@2', 'b@1', 'a@3']);
    expect(caught.map((c) => c.resync)).toEqual([true, false]);
    // caught_up moved the cursor past changes this reader may not read.
    reconnect(env);
    expect(env.socket.ofType('subscribe').at(-1)!.cursor).toBe('e.9');
  });

  it('a reset makes the views read over REST, and the next resume starts from its caught_up', () => {
    const { env, caught } = follow();
    answerMeeting(env, [], 'e.4');
    env.socket.frame(action('a', 2, 'e.5'));
    reconnect(env);
    expect(env.socket.ofType('subscribe').at(-1)!.cursor).toBe('e.5');
    answerMeeting(env, [], 'f.0', true); // another instance, or one restarted
    expect(caught.map((c) => c.resync)).toEqual([true, true]);
    reconnect(env);
    expect(env.socket.ofType('subscribe').at(-1)!.cursor).toBe('f.0');
  });

  it('never sends a cursor on a session channel, nor tells its views to resync', () => {
    const env = new FakeEnv();
    const client = new LiveClient(env);
    const caught: CatchUpInfo[] = [];
    client.subscribe('session:s1', { caughtUp: (i) => caught.push(i) });
    env.socket.open();
    env.socket.hello();
    const sub = env.socket.ofType('subscribe')[0]!;
    expect(sub.cursor).toBeUndefined();
    env.socket.frame(
      { type: 'subscribed', channel: 'session:s1', ref: sub.ref, after: 0, reset: false },
      { type: 'caught_up', channel: 'session:s1', ref: sub.ref, last_seq: 0, new_notes: 0, sessions: 0 },
    );
    expect(caught[0]!.resync).toBeUndefined();
  });
});
