import { describe, expect, it } from 'vitest';
import { outboxKey, type OutboxEntry } from './outbox';
import { OutboxSweep, restPoster, storedOutboxSessions, type RestNoteAPI } from './outboxSweep';

class FakeStorage {
  private readonly m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

const entry = (session: string, id: string, at: string): OutboxEntry => ({
  client_id: id,
  session_id: session,
  text: `note ${id}`,
  marking: 'delegations',
  queued_at: at,
  status: 'waiting',
});

function stored(): FakeStorage {
  const s = new FakeStorage();
  s.setItem(outboxKey('u1', 's-a'), JSON.stringify([entry('s-a', 'a1', '2014-07-09T09:00:00Z'), entry('s-a', 'a2', '2014-07-09T09:01:00Z')]));
  s.setItem(outboxKey('u1', 's-b'), JSON.stringify([entry('s-b', 'b1', '2014-07-09T08:59:00Z')]));
  s.setItem(outboxKey('u2', 's-c'), JSON.stringify([entry('s-c', 'c1', '2014-07-09T08:00:00Z')]));
  s.setItem('unrelated', '1');
  return s;
}

/** A REST API that answers as told, recording what it was sent. */
function fakeAPI(answer: (sessionId: string, clientId: string) => Promise<{ seq: number }>) {
  const sent: { session: string; client_id: string; written_at?: string }[] = [];
  const api: RestNoteAPI = {
    post(sessionId, input) {
      sent.push({ session: sessionId, client_id: input.client_id, written_at: input.written_at });
      return answer(sessionId, input.client_id);
    },
  };
  return { api, sent };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('storedOutboxSessions', () => {
  it('lists the sessions of the user’s outboxes only', () => {
    expect(storedOutboxSessions(stored(), 'u1')).toEqual(['s-a', 's-b']);
    expect(storedOutboxSessions(stored(), 'u3')).toEqual([]);
  });
});

describe('OutboxSweep', () => {
  it('sends every session’s waiting notes but the skipped one, once each, with their written time', async () => {
    const storage = stored();
    let seq = 0;
    const { api, sent } = fakeAPI(async () => ({ seq: ++seq }));
    const counts: number[] = [];
    const sweep = new OutboxSweep({ storage, userId: 'u1', poster: restPoster(api), onChange: (w) => counts.push(w.length) });
    sweep.sweep('s-b');
    sweep.sweep('s-b'); // a second sweep while the first is on its way sends nothing twice
    await settle();
    expect(sent).toEqual([
      { session: 's-a', client_id: 'a1', written_at: '2014-07-09T09:00:00Z' },
      { session: 's-a', client_id: 'a2', written_at: '2014-07-09T09:01:00Z' },
    ]);
    expect(storage.getItem(outboxKey('u1', 's-a'))).toBeNull();
    expect(sweep.waiting().map((e) => e.client_id)).toEqual(['b1']);
    expect(counts.at(-1)).toBe(1);
    sweep.stop();
  });

  it('sends one session’s notes one at a time, in the order written', async () => {
    const storage = stored();
    const order: string[] = [];
    let open = 0;
    let most = 0;
    const { api } = fakeAPI(async (_s, id) => {
      open++;
      most = Math.max(most, open);
      await new Promise((r) => setTimeout(r, id === 'a1' ? 20 : 1)); // the first is the slowest
      order.push(id);
      open--;
      return { seq: order.length };
    });
    const sweep = new OutboxSweep({ storage, userId: 'u1', poster: restPoster(api) });
    sweep.sweep('s-b');
    await new Promise((r) => setTimeout(r, 60));
    expect(order).toEqual(['a1', 'a2']);
    expect(most).toBe(1);
    sweep.stop();
  });

  it('does not let a later note overtake one that could not go', async () => {
    const storage = stored();
    let failFirst = true;
    const { api, sent } = fakeAPI(async (_s, id) => {
      if (id === 'a1' && failFirst) {
        failFirst = false;
        throw { status: 0, code: 'network', message: 'Cannot reach the server.' };
      }
      return { seq: 1 };
    });
    const sweep = new OutboxSweep({ storage, userId: 'u1', poster: restPoster(api) });
    sweep.sweep('s-b');
    await settle();
    await settle();
    expect(sent.map((s) => s.client_id)).toEqual(['a1']); // a2 waited behind it
    sweep.sweep('s-b');
    await settle();
    await settle();
    expect(sent.map((s) => s.client_id)).toEqual(['a1', 'a1', 'a2']);
    expect(sweep.waiting().map((e) => e.client_id)).toEqual(['b1']);
    sweep.stop();
  });

  it('keeps notes waiting while offline and sends them on the next sweep', async () => {
    const storage = stored();
    let online = false;
    const { api, sent } = fakeAPI(async () => {
      if (!online) throw { status: 0, code: 'network', message: 'Cannot reach the server.' };
      return { seq: 1 };
    });
    const sweep = new OutboxSweep({ storage, userId: 'u1', poster: restPoster(api) });
    sweep.sweep();
    await settle();
    expect(sweep.waiting().map((e) => e.client_id)).toEqual(['b1', 'a1', 'a2']);
    online = true;
    sweep.sweep();
    await settle();
    expect(sweep.waiting()).toEqual([]);
    expect(sent.filter((s) => s.client_id === 'a1')).toHaveLength(2); // offline once, then sent
    sweep.stop();
  });

  it('marks a note the server refuses as failed, and leaves it for the rapporteur', async () => {
    const storage = stored();
    const { api } = fakeAPI(async (_s, id) => {
      if (id === 'b1') throw { status: 403, code: 'forbidden', message: 'The session has ended.' };
      return { seq: 1 };
    });
    const sweep = new OutboxSweep({ storage, userId: 'u1', poster: restPoster(api) });
    sweep.sweep();
    await settle();
    const left = JSON.parse(storage.getItem(outboxKey('u1', 's-b'))!) as OutboxEntry[];
    expect(left).toMatchObject([{ client_id: 'b1', status: 'failed', error: 'The session has ended.' }]);
    expect(sweep.waiting()).toEqual([]);
    sweep.stop();
  });
});
