// What the session form warns of before saving (issue 10): a session that
// overlaps another in the same room, or falls outside the meeting's dates.
// Warnings, not refusals: a room shared on purpose, or a side event the day
// before, is the secretariat's call; the server refuses only what is wrong.
// Pure TypeScript (agendaWarnings.test.ts).

import type { Session } from './types';

export interface Slot {
  /** The session being edited, which cannot clash with itself; absent for a new one. */
  id?: string;
  start: string;
  end: string;
  room: string;
}

/** Rooms are typed by hand: "Room 2" and " room 2 " are one room. */
function sameRoom(a: string, b: string): boolean {
  const norm = (r: string) => r.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  return norm(a) !== '' && norm(a) === norm(b);
}

/** The sessions of the agenda that share slot's room for part of its time, in agenda order. */
export function clashes(slot: Slot, agenda: readonly Session[]): Session[] {
  const s = Date.parse(slot.start);
  const e = Date.parse(slot.end);
  if (Number.isNaN(s) || Number.isNaN(e) || e <= s) return [];
  return agenda
    .filter((o) => o.id !== slot.id && sameRoom(o.room, slot.room) && Date.parse(o.start) < e && s < Date.parse(o.end))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** Whether a session on these dates (YYYY-MM-DD, in the meeting's zone) lies outside the meeting's. */
export function outsideDates(startDay: string, endDay: string, meeting: { start_date: string; end_date: string }): boolean {
  return startDay < meeting.start_date || endDay > meeting.end_date;
}
