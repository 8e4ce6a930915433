// The rapporteur's outbox: notes written but not yet acknowledged by the
// server. A note enters the outbox, and the browser's storage, before it is
// first sent, with a client id chosen once; it is sent again with that same
// id after every reconnect and after a page reload, until the server's ack
// says it is stored (the server stores a client id once, so a note that did
// arrive before the link dropped is acknowledged, not duplicated). It leaves
// the outbox only on that ack, or when the rapporteur discards a note the
// server refused.
//
// Pure TypeScript: the storage, the sender and the clock come in, so that
// outbox.test.ts can test persistence and replay without a browser.

import type { Marking } from './types';
import { LiveError, type AckMessage, type PostInput } from './live';

export interface OutboxEntry {
  client_id: string;
  session_id: string;
  text: string;
  marking: Marking;
  amends?: number;
  /** When the rapporteur wrote it (ISO 8601): "waiting since", and the note's written_at. */
  queued_at: string;
  /** waiting: will be sent (again) when connected; failed: the server refused it (error says why). */
  status: 'waiting' | 'failed';
  error?: string;
}

/** The part of window.localStorage the outbox uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Poster {
  post(input: PostInput): Promise<AckMessage>;
}

/** One outbox per user and session, so that two accounts on one machine never mix. */
export function outboxKey(userId: string, sessionId: string): string {
  return `quintet.outbox.v1:${userId}:${sessionId}`;
}

const MARKING_VALUES = new Set(['all', 'delegations', 'heads']);

function isEntry(x: unknown): x is OutboxEntry {
  if (!x || typeof x !== 'object') return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.client_id === 'string' &&
    e.client_id !== '' &&
    typeof e.session_id === 'string' &&
    typeof e.text === 'string' &&
    typeof e.marking === 'string' &&
    MARKING_VALUES.has(e.marking) &&
    (e.amends === undefined || typeof e.amends === 'number') &&
    typeof e.queued_at === 'string' &&
    (e.status === 'waiting' || e.status === 'failed')
  );
}

/** A random UUID: crypto.randomUUID where the page is a secure context, else the same from getRandomValues. */
export function newClientId(c: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = crypto): string {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface OutboxOptions {
  sessionId: string;
  /** Where entries are kept; null (or a storage that throws) keeps them in memory only. */
  storage: StorageLike | null;
  key: string;
  poster: Poster;
  newId?: () => string;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Told after every change, with the entries in the order they will be sent. */
  onChange?: (entries: readonly OutboxEntry[]) => void;
  /** Told of each ack: the note is stored with this seq. */
  onAck?: (entry: OutboxEntry, ack: AckMessage) => void;
}

/** How long to wait before sending again after the server failed on its side. */
export const RETRY_AFTER_INTERNAL_MS = 5_000;

export class Outbox {
  private readonly opts: OutboxOptions;
  private entries: OutboxEntry[] = [];
  /** Client ids sent on the current connection and not yet answered. */
  private readonly inFlight = new Set<string>();
  private retryTimer: unknown = null;
  private stopped = false;
  /** False when the browser would not keep the entries (storage full or forbidden). */
  persistent = true;

  constructor(opts: OutboxOptions) {
    this.opts = opts;
    this.entries = this.read();
  }

  /** The entries, oldest first. */
  get list(): readonly OutboxEntry[] {
    return this.entries;
  }

  get waiting(): number {
    return this.entries.filter((e) => e.status === 'waiting').length;
  }

  /** Queues a new note (stored before it is first sent) and tries to send it. */
  add(note: { text: string; marking: Marking; amends?: number }): OutboxEntry {
    const entry: OutboxEntry = {
      client_id: (this.opts.newId ?? newClientId)(),
      session_id: this.opts.sessionId,
      text: note.text,
      marking: note.marking,
      ...(note.amends ? { amends: note.amends } : {}),
      queued_at: new Date((this.opts.now ?? Date.now)()).toISOString(),
      status: 'waiting',
    };
    this.mutate((list) => [...list, entry]);
    this.flush();
    return entry;
  }

  /**
   * Sends every waiting entry not already on its way, oldest first. Call it
   * when a connection becomes ready; it is harmless to call it often.
   */
  flush(): void {
    if (this.stopped) return;
    // Another tab of the same rapporteur may have changed the stored outbox.
    this.entries = this.read();
    for (const e of this.entries) {
      if (e.status !== 'waiting' || this.inFlight.has(e.client_id)) continue;
      this.inFlight.add(e.client_id);
      const input: PostInput = {
        session_id: e.session_id,
        client_id: e.client_id,
        text: e.text,
        marking: e.marking,
        ...(e.amends ? { amends: e.amends } : {}),
        // The record keeps when the note was written, not when the link let it through.
        written_at: e.queued_at,
      };
      this.opts.poster.post(input).then(
        (ack) => this.acked(e, ack),
        (err: unknown) => this.failed(e, err),
      );
    }
  }

  /** Puts a refused note back in line (after the rapporteur fixed the cause). */
  retry(clientId: string): void {
    this.mutate((list) => list.map((e) => (e.client_id === clientId ? { ...e, status: 'waiting', error: undefined } : e)));
    this.flush();
  }

  /** Drops a note the rapporteur gives up on. */
  discard(clientId: string): void {
    this.inFlight.delete(clientId);
    this.mutate((list) => list.filter((e) => e.client_id !== clientId));
  }

  /** Stops sending (the view is gone); what is waiting stays stored for next time. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) (this.opts.clearTimeout ?? clearTimeout)(this.retryTimer as never);
    this.retryTimer = null;
  }

  private acked(e: OutboxEntry, ack: AckMessage): void {
    this.inFlight.delete(e.client_id);
    this.mutate((list) => list.filter((x) => x.client_id !== e.client_id));
    this.opts.onAck?.(e, ack);
  }

  private failed(e: OutboxEntry, err: unknown): void {
    this.inFlight.delete(e.client_id);
    if (this.stopped) return;
    const le = err instanceof LiveError ? err : new LiveError('internal', String(err));
    if (le.code === 'offline' || le.code === 'disconnected') {
      return; // sent again when the next connection is ready
    }
    if (le.retryable) {
      if (this.retryTimer === null) {
        this.retryTimer = (this.opts.setTimeout ?? setTimeout)(() => {
          this.retryTimer = null;
          this.flush();
        }, RETRY_AFTER_INTERNAL_MS);
      }
      return;
    }
    // Final (docs: "Errors of a post are final for that note"): keep it,
    // visibly, until the rapporteur fixes or discards it.
    this.mutate((list) =>
      list.map((x) => (x.client_id === e.client_id ? { ...x, status: 'failed', error: le.message } : x)),
    );
  }

  private read(): OutboxEntry[] {
    const storage = this.opts.storage;
    if (!storage || !this.persistent) return this.entries;
    let raw: string | null;
    try {
      raw = storage.getItem(this.opts.key);
    } catch {
      this.persistent = false;
      return this.entries;
    }
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isEntry).filter((e) => e.session_id === this.opts.sessionId) : [];
    } catch {
      return [];
    }
  }

  /** Applies a change to the stored list (read afresh, so another tab's entries survive) and stores it. */
  private mutate(change: (list: OutboxEntry[]) => OutboxEntry[]): void {
    const next = change(this.read());
    this.entries = next;
    const storage = this.opts.storage;
    if (storage && this.persistent) {
      try {
        if (next.length) storage.setItem(this.opts.key, JSON.stringify(next));
        else storage.removeItem(this.opts.key);
      } catch {
        // Full or forbidden (a private window): keep going in memory, and say so.
        this.persistent = false;
      }
    }
    this.opts.onChange?.(this.entries);
  }
}
