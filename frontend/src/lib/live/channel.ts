// One subscription of the live connection: the notes of a session (or the
// agenda of a meeting) as this tab holds them, the seq it resumes from, and
// the catch-up that follows every subscribe. The client owns the socket and
// tells a channel what arrived for it; the channel decides what is new and
// tells its views. Views read the channel's notes (`notes`) instead of
// keeping copies of their own, so two views of one session cannot disagree.

import type { Note, Session } from '../types';
import { LiveError, type CaughtUpMessage, type ServerMessage } from './protocol';

export interface CatchUpInfo {
  channel: string;
  /** Notes this catch-up brought that the view did not hold. */
  newNotes: number;
  /** The first catch-up of this subscription (the record so far), not a resume. */
  first: boolean;
  /** For a resume: when the link was lost (ms since the epoch). */
  since: number | null;
  /** The record's last seq (read or not). */
  lastSeq: number;
  /**
   * meeting: channels: the catch-up did not replay the outcome and action
   * changes since the view last heard (a first subscribe, or the server could
   * not resume from the cursor): read them again over REST. False when the
   * cursor covered the gap: the changes missed came in the catch-up.
   * Absent on session: channels.
   */
  resync?: boolean;
}

/** What a view wants to hear about a channel. Every callback is optional. */
export interface ChannelHandlers {
  /** A note of the session, once, in seq order (after a reset, again from 1). */
  note?(note: Note, live: boolean): void;
  /**
   * The session's notes as the channel holds them, in seq order: on
   * subscribing, then after each frame that changed them. The array is not
   * changed afterwards; a change comes as a new one.
   */
  notes?(notes: readonly Note[]): void;
  /** The session as it now stands (session: channel), or a session of the agenda (meeting: channel). */
  session?(session: Session): void;
  sessionDeleted?(id: string): void;
  /** The end of a catch-up: the first one, or one after a reconnect. */
  caughtUp?(info: CatchUpInfo): void;
  /** The server re-sends the record from the start: drop the notes held. */
  reset?(): void;
  /** The channel was refused (no such session, not allowed). No retry follows. */
  error?(err: LiveError): void;
  /** Messages of types this module does not handle (outcomes, actions…), for views that do. */
  message?(msg: ServerMessage): void;
}

/**
 * A session channel's notes as this browser kept them (lib/keptNotes.ts):
 * what it held when last caught up, so that a reload — offline, or after
 * leaving the page — starts from them and resumes after their last seq.
 */
export interface KeptNotes {
  notes: readonly Note[];
  lastSeq: number;
  /** When they were kept (ms since the epoch): the "since" of the catch-up that follows. */
  at: number;
}

export type Phase = 'waiting' | 'subscribing' | 'catching-up' | 'live' | 'failed';

/** Where a note of this seq goes in a list sorted by seq. */
export function insertionIndex(notes: readonly { seq: number }[], seq: number): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Channel {
  readonly name: string;
  readonly isSession: boolean;
  readonly listeners = new Set<ChannelHandlers>();
  phase: Phase = 'waiting';
  /** The ref of our latest subscribe: its answers carry it. */
  subRef = '';
  /** Highest seq seen, from notes and caught_up: where the next subscribe resumes. */
  lastSeq = 0;
  /** How many notes were dropped as already held: should stay 0. */
  duplicates = 0;
  error: LiveError | null = null;
  /** When the link was lost before the current catch-up; null for the first one. */
  resumeSince: number | null = null;
  /**
   * meeting: channels: the cursor of the last outcome, action or withdrawn
   * message (or caught_up) received; the next subscribe resumes from it.
   * Empty: none yet.
   */
  cursor = '';
  /** The current catch-up replays changes since `cursor` (it was sent and not reset). */
  private resumedCursor = false;
  /** When the kept notes it started from were kept; null once caught up with the server. */
  private keptAt: number | null = null;
  /** The notes changed since they were last kept. */
  unkept = false;

  /** The notes held, in seq order, so that a second view of the channel starts complete. */
  private held: Note[] = [];
  /** What `notes` last handed out; null once `held` changed since. */
  private snapshot: readonly Note[] | null = [];
  private readonly seen = new Set<number>();
  private readonly sessions = new Map<string, Session>();
  /** Sessions named by the current catch-up of a meeting: channel. */
  private catchUpSessions: Set<string> | null = null;
  private addedInCatchUp = 0;
  private caughtUpOnce = false;

  constructor(name: string) {
    this.name = name;
    this.isSession = name.startsWith('session:');
  }

  /** The notes held, in seq order. Copied once per change, however often it is read. */
  get notes(): readonly Note[] {
    this.snapshot ??= this.held.slice();
    return this.snapshot;
  }

  /** Past its "subscribed": what arrives for it now belongs to the current subscription. */
  get active(): boolean {
    return this.phase === 'catching-up' || this.phase === 'live';
  }

  /** The connection was lost: subscribe again with the next one, unless refused. */
  lost(): void {
    if (this.phase !== 'failed') this.phase = 'waiting';
  }

  /** A subscribe is about to be sent on a new connection lost at `since` (null: never lost). */
  resuming(since: number | null): void {
    this.resumeSince = this.caughtUpOnce ? (since ?? this.keptAt) : null;
  }

  /**
   * Starts a new session channel from the notes kept in this browser: views
   * show them at once, and the first catch-up is a resume after their last
   * seq, whose notes are the ones missed since they were kept.
   */
  restore(kept: KeptNotes): void {
    if (!this.isSession || this.caughtUpOnce || this.held.length > 0) return;
    for (const n of kept.notes) this.add(n);
    this.lastSeq = Math.max(this.lastSeq, kept.lastSeq);
    this.caughtUpOnce = true;
    this.keptAt = kept.at;
    this.resumeSince = kept.at;
    this.unkept = false;
  }

  /** What to keep in this browser now: the notes once caught up (a partial catch-up is not kept). */
  toKeep(now: number): KeptNotes | null {
    if (!this.isSession || this.phase !== 'live') return null;
    return { notes: this.notes, lastSeq: this.lastSeq, at: now };
  }

  /** The cursor a subscribe sends (meeting: channels, once one is held). */
  subscribeCursor(): string | undefined {
    this.resumedCursor = !this.isSession && this.cursor !== '';
    return this.resumedCursor ? this.cursor : undefined;
  }

  /** The server accepted our subscribe with this ref; reports whether it was ours. */
  subscribed(ref: unknown, reset: boolean): boolean {
    // An answer to an earlier subscribe of the same channel (unsubscribed since) is not ours.
    if (this.phase !== 'subscribing' || (ref !== undefined && ref !== this.subRef)) return false;
    this.phase = 'catching-up';
    this.addedInCatchUp = 0;
    this.catchUpSessions = this.isSession ? null : new Set();
    if (reset && !this.isSession) {
      // The server cannot resume from our cursor: the views read over REST.
      this.resumedCursor = false;
    }
    if (reset && this.isSession) {
      // The record we hold is not the server's (a restored database): start over.
      this.lastSeq = 0;
      this.held = [];
      this.snapshot = null;
      this.seen.clear();
      this.unkept = true;
      this.each((l) => l.reset?.());
    }
    return true;
  }

  /** A note arrived; a note whose seq is held is counted and dropped. */
  note(n: Note): void {
    if (!this.isSession || !this.add(n)) return;
    const live = this.phase === 'live';
    if (!live) this.addedInCatchUp++;
    this.each((l) => l.note?.(n, live));
  }

  session(s: Session): void {
    this.catchUpSessions?.add(s.id);
    const held = this.sessions.get(s.id);
    if (held && held.version > s.version) return;
    this.sessions.set(s.id, s);
    this.each((l) => l.session?.(s));
  }

  sessionDeleted(id: string): void {
    this.sessions.delete(id);
    this.each((l) => l.sessionDeleted?.(id));
  }

  caughtUp(m: CaughtUpMessage): void {
    if (this.phase !== 'catching-up' || (m.ref !== undefined && m.ref !== this.subRef)) return;
    if (typeof m.last_seq === 'number') this.lastSeq = Math.max(this.lastSeq, m.last_seq);
    if (typeof m.cursor === 'string' && m.cursor !== '') this.cursor = m.cursor;
    if (this.catchUpSessions) {
      // A meeting's catch-up is its whole agenda: what it did not name is gone.
      for (const id of [...this.sessions.keys()]) {
        if (!this.catchUpSessions.has(id)) this.sessionDeleted(id);
      }
      this.catchUpSessions = null;
    }
    this.phase = 'live';
    const info: CatchUpInfo = {
      channel: this.name,
      newNotes: this.addedInCatchUp,
      first: !this.caughtUpOnce,
      since: this.caughtUpOnce ? this.resumeSince : null,
      lastSeq: this.lastSeq,
      ...(this.isSession ? {} : { resync: !this.resumedCursor }),
    };
    this.caughtUpOnce = true;
    this.keptAt = null;
    if (this.isSession) this.unkept = true;
    this.each((l) => l.caughtUp?.(info));
  }

  /** The server refused the subscription: tell the views once and never ask again. */
  refused(err: LiveError): void {
    this.phase = 'failed';
    this.error = err;
    this.each((l) => l.error?.(err));
  }

  message(m: ServerMessage): void {
    // Outcome, action and withdrawn messages carry the meeting's cursor; the
    // latest received is where a resume starts (docs: "The meeting cursor").
    if (!this.isSession && typeof m.cursor === 'string' && m.cursor !== '') this.cursor = m.cursor;
    this.each((l) => l.message?.(m));
  }

  /** The end of a frame: views whose notes changed get them once, however many arrived. */
  flush(): void {
    if (this.snapshot !== null) return;
    const notes = this.notes;
    this.each((l) => l.notes?.(notes));
  }

  /** Brings a view that joins late up to what the channel holds. */
  replay(h: ChannelHandlers): void {
    if (this.phase === 'failed' && this.error) {
      h.error?.(this.error);
      return;
    }
    for (const s of this.sessions.values()) h.session?.(s);
    for (const n of this.held) h.note?.(n, false);
    h.notes?.(this.notes);
    if (this.caughtUpOnce) {
      // A view that joins late has heard no change yet: it reads over REST.
      h.caughtUp?.({ channel: this.name, newNotes: this.held.length, first: true, since: null, lastSeq: this.lastSeq,
        ...(this.isSession ? {} : { resync: true }),
      });
    }
  }

  /** Adds a note unless it is held; reports whether it was new. */
  private add(n: Note): boolean {
    if (!Number.isInteger(n.seq) || n.seq < 1 || this.seen.has(n.seq)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(n.seq);
    this.lastSeq = Math.max(this.lastSeq, n.seq);
    const last = this.held[this.held.length - 1];
    if (!last || last.seq < n.seq) this.held.push(n);
    else this.held.splice(insertionIndex(this.held, n.seq), 0, n);
    this.snapshot = null;
    this.unkept = true;
    return true;
  }

  private each(fn: (l: ChannelHandlers) => void): void {
    for (const l of [...this.listeners]) fn(l);
  }
}
