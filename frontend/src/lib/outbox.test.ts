import { describe, expect, it } from 'vitest';
import { LiveError, type AckMessage, type PostInput } from './live';
import { Outbox, RETRY_AFTER_INTERNAL_MS, newClientId, outboxKey, type OutboxEntry, type StorageLike } from './outbox';

class MemoryStorage implements StorageLike {
  data = new Map<string, string>();
  failWrites = false;
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
}

/** A server the test answers by hand: each post waits until acked or failed. */
class FakePoster {
  calls: { input: PostInput; resolve: (a: AckMessage) => void; reject: (e: LiveError) => void }[] = [];
  connected = true;
  seq = 0;
  post = (input: PostInput) => {
    if (!this.connected) return Promise.reject(new LiveError('offline', 'Not connected.'));
    return new Promise<AckMessage>((resolve, reject) => this.calls.push({ input, resolve, reject }));
  };
  ackAll() {
    const calls = this.calls.splice(0);
    for (const c of calls) {
      c.resolve({ type: 'ack', session_id: c.input.session_id, client_id: c.input.client_id, seq: ++this.seq, created: true });
    }
  }
  dropAll() {
    for (const c of this.calls.splice(0)) c.reject(new LiveError('disconnected', 'dropped'));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function makeOutbox(storage: StorageLike | null, poster: FakePoster, extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) {
  let n = 0;
  return new Outbox({
    sessionId: 's1',
    storage,
    key: outboxKey('u1', 's1'),
    poster,
    newId: () => `id-${++n}`,
    now: () => Date.UTC(2014, 6, 9, 9, 42),
    ...extra,
  });
}

/** An outbox on fresh storage whose poster is offline: what is added waits. */
function offlineOutbox() {
  const storage = new MemoryStorage();
  const poster = new FakePoster();
  poster.connected = false;
  return { storage, poster, box: makeOutbox(storage, poster) };
}

function stored(storage: MemoryStorage): OutboxEntry[] {
  return JSON.parse(storage.getItem(outboxKey('u1', 's1')) ?? '[]');
}

describe('Outbox', () => {
  it('stores a note before sending it, and removes it only on its ack', async () => {
    const storage = new MemoryStorage();
    const poster = new FakePoster();
    const box = makeOutbox(storage, poster);
    box.add({ text: 'Welcome.', marking: 'delegations' });
    expect(stored(storage)).toMatchObject([{ client_id: 'id-1', text: 'Welcome.', marking: 'delegations', status: 'waiting' }]);
    expect(poster.calls.map((c) => c.input)).toEqual([
      { session_id: 's1', client_id: 'id-1', text: 'Welcome.', marking: 'delegations', written_at: stored(storage)[0]!.queued_at },
    ]);
    await settle();
    expect(box.waiting).toBe(1); // sent is not stored
    poster.ackAll();
    await settle();
    expect(box.waiting).toBe(0);
    expect(storage.getItem(outboxKey('u1', 's1'))).toBeNull();
  });

  it('keeps notes written offline and sends them, in order, with their first client ids, when ready', async () => {
    const { poster, box } = offlineOutbox();
    box.add({ text: 'one', marking: 'delegations' });
    box.add({ text: 'two', marking: 'all' });
    box.add({ text: 'three', marking: 'heads', amends: 4 });
    await settle();
    expect(box.waiting).toBe(3);
    poster.connected = true;
    box.flush();
    expect(poster.calls.map((c) => [c.input.client_id, c.input.text, c.input.amends])).toEqual([
      ['id-1', 'one', undefined],
      ['id-2', 'two', undefined],
      ['id-3', 'three', 4],
    ]);
  });

  it('sends each note with the time it was written, however late it goes', async () => {
    const storage = new MemoryStorage();
    const poster = new FakePoster();
    poster.connected = false;
    let clock = Date.parse('2014-07-09T10:42:00Z');
    const box = new Outbox({ sessionId: 's1', storage, key: outboxKey('u1', 's1'), poster, now: () => clock, newId: (() => { let i = 0; return () => `w-${++i}`; })() });
    box.add({ text: 'written offline', marking: 'all' });
    clock += 20 * 60_000;
    await settle();
    poster.connected = true;
    box.flush();
    expect(poster.calls.at(-1)!.input.written_at).toBe('2014-07-09T10:42:00.000Z');
  });

  it('survives a page reload: a new outbox on the same storage replays the same client ids', async () => {
    const { storage, box: first } = offlineOutbox();
    first.add({ text: 'one', marking: 'delegations' });
    first.add({ text: 'two', marking: 'delegations' });
    await settle();
    first.stop();

    // The page reloads: new objects, new id generator, same storage.
    const poster = new FakePoster();
    const again = new Outbox({ sessionId: 's1', storage, key: outboxKey('u1', 's1'), poster, newId: () => 'never-used' });
    expect(again.list.map((e) => e.client_id)).toEqual(['id-1', 'id-2']);
    again.flush();
    expect(poster.calls.map((c) => c.input.client_id)).toEqual(['id-1', 'id-2']);
    poster.ackAll();
    await settle();
    expect(again.list).toEqual([]);
  });

  it('sends again after a dropped link, with the same client id, and not twice on one connection', async () => {
    const poster = new FakePoster();
    const box = makeOutbox(new MemoryStorage(), poster);
    box.add({ text: 'one', marking: 'delegations' });
    box.flush(); // already on its way: not sent twice
    expect(poster.calls).toHaveLength(1);
    poster.dropAll();
    await settle();
    expect(box.list[0]!.status).toBe('waiting');
    box.flush(); // the next connection is ready
    expect(poster.calls.map((c) => c.input.client_id)).toEqual(['id-1']);
  });

  it('marks a note the server refuses as failed, keeps it, and sends it again only when asked', async () => {
    const storage = new MemoryStorage();
    const poster = new FakePoster();
    const box = makeOutbox(storage, poster);
    box.add({ text: 'late', marking: 'delegations' });
    poster.calls.shift()!.reject(new LiveError('conflict', 'The session has ended.'));
    await settle();
    expect(box.list[0]).toMatchObject({ status: 'failed', error: 'The session has ended.' });
    expect(stored(storage)[0]!.status).toBe('failed');
    box.flush();
    expect(poster.calls).toHaveLength(0);
    box.retry('id-1');
    expect(poster.calls.map((c) => c.input.client_id)).toEqual(['id-1']);
    box.discard('id-1');
    expect(box.list).toEqual([]);
  });

  it('tries again later when the server failed on its side', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    const poster = new FakePoster();
    const box = makeOutbox(new MemoryStorage(), poster, {
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => {},
    });
    box.add({ text: 'one', marking: 'delegations' });
    poster.calls.shift()!.reject(new LiveError('internal', 'Internal error.'));
    await settle();
    expect(box.list[0]!.status).toBe('waiting');
    expect(timers.map((t) => t.ms)).toEqual([RETRY_AFTER_INTERNAL_MS]);
    timers[0]!.fn();
    expect(poster.calls.map((c) => c.input.client_id)).toEqual(['id-1']);
  });

  it('keeps the entries of another tab of the same rapporteur', () => {
    const storage = new MemoryStorage();
    const offline = new FakePoster();
    offline.connected = false;
    let n = 0;
    const tab = (name: string) =>
      new Outbox({ sessionId: 's1', storage, key: outboxKey('u1', 's1'), poster: offline, newId: () => `${name}-${++n}` });
    const a = tab('a');
    const b = tab('b');
    a.add({ text: 'from a', marking: 'delegations' });
    b.add({ text: 'from b', marking: 'delegations' });
    expect(stored(storage).map((e) => e.text)).toEqual(['from a', 'from b']);
  });

  it('keys outboxes by user and session, and ignores entries that are not its own or not valid', () => {
    expect(outboxKey('u1', 's1')).not.toBe(outboxKey('u2', 's1'));
    expect(outboxKey('u1', 's1')).not.toBe(outboxKey('u1', 's2'));
    const storage = new MemoryStorage();
    storage.setItem(
      outboxKey('u1', 's1'),
      JSON.stringify([
        { client_id: 'x', session_id: 's2', text: 't', marking: 'all', queued_at: '', status: 'waiting' },
        { client_id: 'y', session_id: 's1', text: 't', marking: 'secret', queued_at: '', status: 'waiting' },
        { client_id: 'z', session_id: 's1', text: 't', marking: 'all', queued_at: '', status: 'waiting' },
        'junk',
      ]),
    );
    expect(makeOutbox(storage, new FakePoster()).list.map((e) => e.client_id)).toEqual(['z']);
    storage.setItem(outboxKey('u1', 's1'), '{not json');
    expect(makeOutbox(storage, new FakePoster()).list).toEqual([]);
  });

  it('goes on in memory, and says so, when the browser will not store', () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const poster = new FakePoster();
    poster.connected = false;
    const box = makeOutbox(storage, poster);
    box.add({ text: 'one', marking: 'delegations' });
    expect(box.persistent).toBe(false);
    expect(box.list.map((e) => e.text)).toEqual(['one']);
    box.add({ text: 'two', marking: 'delegations' });
    expect(box.list.map((e) => e.text)).toEqual(['one', 'two']);
  });
});

describe('newClientId', () => {
  it('uses randomUUID when there is one', () => {
    expect(newClientId({ randomUUID: () => 'uuid', getRandomValues: (a) => a })).toBe('uuid');
  });
  it('makes a version 4 UUID from random bytes otherwise (pages over plain http)', () => {
    const id = newClientId({ getRandomValues: <T extends ArrayBufferView | null>(a: T) => crypto.getRandomValues(a as never) as T });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
