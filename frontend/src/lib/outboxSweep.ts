// The outbox from any page: notes a rapporteur wrote on a session's page and
// that are still waiting (the link dropped, the page was left or reloaded)
// are sent as soon as the app has a connection, whichever page is open. The
// session page's console sends its own session's notes over the live
// socket; the sweep sends every other session's over REST, with the same
// client id and written_at, so that the server stores each note once
// however many times and ways it is sent.
//
// Pure TypeScript: the storage, the sender and the timers come in
// (outboxSweep.test.ts).

import { LiveError, type AckMessage, type PostInput } from './live';
import { Outbox, type OutboxEntry, type Poster, type StorageLike } from './outbox';

const PREFIX = 'quintet.outbox.v1:';

/** The sessions with an outbox of userId's in storage. */
export function storedOutboxSessions(storage: StorageLike & { length: number; key(i: number): string | null }, userId: string): string[] {
  const mine = `${PREFIX}${userId}:`;
  const out: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(mine)) out.push(k.slice(mine.length));
  }
  return out.sort();
}

/** What a REST post of a note answers: the stored note's seq; the error as the API says it. */
export interface RestNoteAPI {
  post(sessionId: string, input: Omit<PostInput, 'session_id'>): Promise<{ seq: number }>;
}

/** An error of the REST API, as much of it as the sweep reads. */
interface ApiErrorLike {
  status: number;
  code: string;
  message: string;
  field?: string;
}

function isApiError(x: unknown): x is ApiErrorLike {
  return typeof x === 'object' && x !== null && 'status' in x && 'code' in x;
}

/**
 * A Poster over REST. A request that did not reach the server, a server
 * failure, or a sign-in that ended leave the note waiting (the same
 * client id is safe to send again); any other refusal is final for it, as on
 * the socket.
 */
export function restPoster(api: RestNoteAPI): Poster {
  // One request at a time per session: the record numbers notes in the
  // order they arrive, which must be the order they were written (the
  // socket keeps that order by itself; parallel requests would not).
  // A note that could not go stops the ones queued behind it in that
  // session (they would overtake it); the next sweep sends them all again.
  const queues = new Map<string, { tail: Promise<unknown>; pending: number; stopped: boolean }>();
  const send = async (input: PostInput): Promise<AckMessage> => {
    const { session_id, ...body } = input;
    try {
      const note = await api.post(session_id, body);
      return { type: 'ack', session_id, client_id: input.client_id, seq: note.seq, created: true };
    } catch (err) {
      if (!isApiError(err) || err.status === 0 || err.status === 401) throw new LiveError('offline', 'Not connected.');
      if (err.status >= 500) throw new LiveError('internal', err.message);
      throw new LiveError(err.code, err.message, err.field);
    }
  };
  return {
    post(input: PostInput): Promise<AckMessage> {
      let q = queues.get(input.session_id);
      if (!q) {
        q = { tail: Promise.resolve(), pending: 0, stopped: false };
        queues.set(input.session_id, q);
      }
      const queue = q;
      queue.pending++;
      const mine = queue.tail.then(async () => {
        try {
          if (queue.stopped) throw new LiveError('offline', 'Not sent: an earlier note is still waiting.');
          return await send(input);
        } catch (err) {
          if (err instanceof LiveError && err.retryable) queue.stopped = true;
          throw err;
        } finally {
          if (--queue.pending === 0) queue.stopped = false;
        }
      });
      queue.tail = mine.catch(() => undefined);
      return mine;
    },
  };
}

export interface SweepOptions {
  storage: StorageLike & { length: number; key(i: number): string | null };
  userId: string;
  poster: Poster;
  /** Told after every change: the notes waiting in every session, oldest first. */
  onChange?: (waiting: readonly OutboxEntry[]) => void;
}

/** Sends the waiting notes of every session but one (the page that sends its own). */
export class OutboxSweep {
  private readonly boxes = new Map<string, Outbox>();
  private readonly opts: SweepOptions;

  constructor(opts: SweepOptions) {
    this.opts = opts;
  }

  /** Sends what waits, except in the session skip (its page's console sends it). */
  sweep(skip?: string): void {
    for (const id of storedOutboxSessions(this.opts.storage, this.opts.userId)) {
      if (id === skip) {
        // Its console owns it now; a box of ours would send beside it.
        this.boxes.get(id)?.stop();
        this.boxes.delete(id);
        continue;
      }
      let box = this.boxes.get(id);
      if (!box) {
        box = new Outbox({
          sessionId: id,
          storage: this.opts.storage,
          key: `${PREFIX}${this.opts.userId}:${id}`,
          poster: this.opts.poster,
          onChange: () => this.report(),
        });
        this.boxes.set(id, box);
      }
      box.flush();
    }
    this.report();
  }

  /** The notes waiting to be sent, in every session, as stored. */
  waiting(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const id of storedOutboxSessions(this.opts.storage, this.opts.userId)) {
      try {
        const list = JSON.parse(this.opts.storage.getItem(`${PREFIX}${this.opts.userId}:${id}`) ?? '[]') as OutboxEntry[];
        if (Array.isArray(list)) out.push(...list.filter((e) => e && e.status === 'waiting'));
      } catch {
        // An unreadable outbox is the Outbox's to report.
      }
    }
    return out.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
  }

  stop(): void {
    for (const b of this.boxes.values()) b.stop();
    this.boxes.clear();
  }

  private report(): void {
    this.opts.onChange?.(this.waiting());
  }
}
