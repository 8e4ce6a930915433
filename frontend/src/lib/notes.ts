// Small pure helpers of the live session page: markings as people read them,
// amendments, note times in two time zones, the catch-up line, and who may
// write. Kept out of the components so that notes.test.ts covers them.

import type { CatchUpInfo } from './live';
import { formatShortDay, wallClock, zoneCity } from './time';
import type { Marking, Note, Session, User } from './types';

export interface MarkingInfo {
  /** Short, for the badge and the selector. */
  label: string;
  /** Who may read a note so marked. */
  readers: string;
}

export const MARKING_INFO: Record<Marking, MarkingInfo> = {
  all: { label: 'All', readers: 'everyone with access to the meeting, observers included' },
  delegations: { label: 'Delegations', readers: 'members of delegations and the secretariat' },
  heads: { label: 'Heads', readers: 'heads of delegation and the secretariat' },
};

/**
 * The marking a new note starts with. Never "all": observers read those, and
 * a marking nobody chose must not publish a note more widely than meant. Not
 * "heads" either, which would hide the record from most of the room and from
 * the rapporteur writing it.
 */
export const DEFAULT_MARKING: Marking = 'delegations';

const LEVEL: Record<Marking, number> = { all: 0, delegations: 1, heads: 2 };

/** Whether a reader with this clearance reads notes with this marking. */
export function canRead(clearance: Marking | null | undefined, marking: Marking): boolean {
  return !!clearance && LEVEL[clearance] >= LEVEL[marking];
}

/** Seq of each amended note → the seqs of the notes amending it, in order. */
export function amendmentIndex(notes: readonly Note[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const n of notes) {
    if (!n.amends) continue;
    const list = out.get(n.amends);
    if (list) list.push(n.seq);
    else out.set(n.amends, [n.seq]);
  }
  return out;
}

export interface NoteTimes {
  /** "10:42 London" */
  meeting: string;
  /** "19:42 your time" (with the day when it differs); absent when the clocks agree. */
  viewer?: string;
  /** For a datetime attribute. */
  iso: string;
}

export function noteTimes(createdAt: string, meetingZone: string, place: string, viewerZone: string): NoteTimes {
  const m = wallClock(createdAt, meetingZone);
  const v = wallClock(createdAt, viewerZone);
  const meeting = `${m.time} ${place || zoneCity(meetingZone)}`;
  if (m.date === v.date && m.time === v.time) return { meeting, iso: createdAt };
  const day = v.date === m.date ? '' : ` ${formatShortDay(v.date)}`;
  return { meeting, viewer: `${v.time}${day} your time`, iso: createdAt };
}

/** "1 note", "7 notes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The line shown (and announced) after a catch-up. The first catch-up of a
 * page is the record so far and says nothing; a resume says what it brought:
 * "Caught up — 7 new notes since 10:42" (the viewer's clock, when the link
 * was lost).
 */
export function catchUpText(info: CatchUpInfo, viewerZone: string): string {
  if (info.first) return '';
  const since = info.since !== null ? ` since ${wallClock(info.since, viewerZone).time}` : '';
  if (info.newNotes === 0) return `Caught up — no new notes${since}`;
  return `Caught up — ${plural(info.newNotes, 'new note')}${since}`;
}

/** The session's rapporteurs, its chair and the secretariat may write (and start and end it). */
export function mayWrite(session: Pick<Session, 'chair' | 'rapporteurs'>, user: Pick<User, 'id' | 'roles'> | null): boolean {
  if (!user) return false;
  if (user.roles.includes('admin')) return true;
  if (session.chair && session.chair === user.id) return true;
  return user.roles.includes('rapporteur') && session.rapporteurs.includes(user.id);
}

/** The server's limit on a note's text, in characters (code points). */
export const MAX_NOTE_LENGTH = 10_000;

/** Length in code points, as the server counts. */
export function noteLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** How far written_at and created_at must differ for the record to show both (the server's NoteTimesApart). */
export const TIMES_APART_MS = 60_000;

/** Whether a note was stored well after (or before) it was written: a note queued offline. */
export function timesApart(n: Pick<Note, 'created_at' | 'written_at'>): boolean {
  if (!n.written_at) return false;
  return Math.abs(Date.parse(n.created_at) - Date.parse(n.written_at)) > TIMES_APART_MS;
}

/** The line above the first note a resume brought, and the notes it marks new. */
export interface CatchUpDivider {
  /** Seq of the first missed note, where the divider goes. */
  firstSeq: number;
  /** The seqs marked new until read. */
  seqs: number[];
  /** "3 new since 10:42" (the viewer's clock, when the link was lost). */
  label: string;
}

/**
 * The divider of a resume: the notes it brought (`missed`, in any order),
 * none for a first catch-up or a resume that brought nothing.
 */
export function catchUpDivider(info: Pick<CatchUpInfo, 'first' | 'since'>, missed: readonly Pick<Note, 'seq'>[], viewerZone: string): CatchUpDivider | null {
  if (info.first || missed.length === 0) return null;
  const seqs = [...new Set(missed.map((n) => n.seq))].sort((a, b) => a - b);
  const since = info.since !== null ? ` since ${wallClock(info.since, viewerZone).time}` : '';
  return { firstSeq: seqs[0]!, seqs, label: `${seqs.length} new${since}` };
}
