// Time-zone arithmetic for the agenda. A meeting's sessions are entered and
// shown in the meeting's own time zone (Europe/London for London 2014) and
// stored by the API as UTC instants. Everything here is pure and uses only
// Intl, so it behaves the same in the browser and in unit tests.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A wall-clock reading in some time zone. */
export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, 24-hour */
  time: string;
}

/** Thrown for a local time that does not exist or input that is not a date or time. */
export class LocalTimeError extends Error {
  override readonly name = 'LocalTimeError';
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Reports whether timeZone is an IANA name this browser knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The time zone of the person looking at the page. */
export function viewerTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsAt(instant: number, timeZone: string): Fields {
  const out: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type in out) out[p.type as keyof Fields] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0; // some engines write midnight as 24:00
  return out;
}

/** The offset of timeZone from UTC at instant, in milliseconds (UTC+1 → 3 600 000). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const f = fieldsAt(instant, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return asUtc - whole;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function toInstant(t: string | number | Date): number {
  if (typeof t === 'number') return t;
  if (t instanceof Date) return t.getTime();
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new LocalTimeError(`not a time: ${t}`);
  return ms;
}

/** What a clock in timeZone shows at the given instant. */
export function wallClock(t: string | number | Date, timeZone: string): WallClock {
  const f = fieldsAt(toInstant(t), timeZone);
  return {
    date: `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`,
    time: `${pad(f.hour)}:${pad(f.minute)}`,
  };
}

function parseDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new LocalTimeError(`"${date}" is not a date (YYYY-MM-DD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new LocalTimeError(`"${date}" is not a date`);
  }
  return [y, mo, d];
}

function parseTime(time: string): [number, number] {
  const m = TIME_RE.exec(time);
  if (!m) throw new LocalTimeError(`"${time}" is not a time (HH:MM)`);
  return [Number(m[1]), Number(m[2])];
}

/** Formats an instant as RFC 3339 in UTC without fractional seconds. */
export function toIsoUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Converts a wall-clock date and time in timeZone to an RFC 3339 UTC instant,
 * as the API wants it. "2014-07-10", "09:30", "Europe/London" gives
 * "2014-07-10T08:30:00Z" (British Summer Time is UTC+1).
 *
 * Around a change of the clocks: a time that occurs twice (when clocks go
 * back) means its first occurrence; a time that does not exist (when clocks
 * go forward) throws LocalTimeError, since any guess would put a session at
 * a time nobody asked for.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): string {
  const [y, mo, d] = parseDate(date);
  const [h, mi] = parseTime(time);
  if (!isValidTimeZone(timeZone)) throw new LocalTimeError(`unknown time zone ${timeZone}`);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offset in force a day either side covers both sides of any change of
  // the clocks near this date (zones change at most once in a few days).
  const offsets = new Set([zoneOffsetMs(asUtc - DAY, timeZone), zoneOffsetMs(asUtc + DAY, timeZone)]);
  const candidates: number[] = [];
  for (const off of offsets) {
    const instant = asUtc - off;
    const wc = wallClock(instant, timeZone);
    if (wc.date === date && wc.time === time) candidates.push(instant);
  }
  // The offset exactly at the guess catches the rare zone that changed more
  // than once in the window.
  if (candidates.length === 0) {
    const instant = asUtc - zoneOffsetMs(asUtc, timeZone);
    const wc = wallClock(instant, timeZone);
    if (wc.date === date && wc.time === time) candidates.push(instant);
  }
  if (candidates.length === 0) {
    throw new LocalTimeError(`${time} does not exist on ${date} in ${timeZone}: the clocks change then`);
  }
  return toIsoUtc(Math.min(...candidates));
}

/** The calendar days from first to last, inclusive, as YYYY-MM-DD. */
export function daysBetween(first: string, last: string): string[] {
  const [y1, m1, d1] = parseDate(first);
  const [y2, m2, d2] = parseDate(last);
  const end = Date.UTC(y2, m2 - 1, d2);
  const out: string[] = [];
  for (let t = Date.UTC(y1, m1 - 1, d1); t <= end && out.length < 366; t += DAY) {
    const x = new Date(t);
    out.push(`${pad(x.getUTCFullYear(), 4)}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`);
  }
  return out;
}

export interface DayGroup<T> {
  /** YYYY-MM-DD in the meeting's time zone */
  date: string;
  sessions: T[];
}

/**
 * Groups sessions by the day they start on in timeZone, days in order and
 * sessions by start (then end, then title). Days listed in `days` appear even
 * without sessions, so that an agenda shows every day of the meeting.
 */
export function groupSessionsByDay<T extends { start: string; end: string; title: string }>(
  sessions: readonly T[],
  timeZone: string,
  days: readonly string[] = [],
): DayGroup<T>[] {
  const byDay = new Map<string, T[]>();
  for (const d of days) byDay.set(d, []);
  for (const s of sessions) {
    const day = wallClock(s.start, timeZone).date;
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(s);
  }
  const cmp = (a: T, b: T) =>
    Date.parse(a.start) - Date.parse(b.start) || Date.parse(a.end) - Date.parse(b.end) || a.title.localeCompare(b.title);
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, list]) => ({ date, sessions: list.sort(cmp) }));
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function calendar(date: string) {
  const [y, m, d] = parseDate(date);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return { y, m, d, weekday: WEEKDAYS[weekday]!, month: MONTHS[m - 1]! };
}

/** "Thursday 10 July 2014". Spelled out, so no reader mistakes day for month. */
export function formatDay(date: string): string {
  const c = calendar(date);
  return `${c.weekday} ${c.d} ${c.month} ${c.y}`;
}

/** "Thu 10 Jul" */
export function formatShortDay(date: string): string {
  const c = calendar(date);
  return `${c.weekday.slice(0, 3)} ${c.d} ${c.month.slice(0, 3)}`;
}

/** "9–11 July 2014", "30 June – 2 July 2014", "30 December 2014 – 2 January 2015". */
export function formatDateRange(first: string, last: string): string {
  const a = calendar(first);
  const b = calendar(last);
  if (first === last) return `${a.d} ${a.month} ${a.y}`;
  if (a.y === b.y && a.m === b.m) return `${a.d}–${b.d} ${a.month} ${a.y}`;
  if (a.y === b.y) return `${a.d} ${a.month} – ${b.d} ${b.month} ${a.y}`;
  return `${a.d} ${a.month} ${a.y} – ${b.d} ${b.month} ${b.y}`;
}

/** "London" for Europe/London, "New York" for America/New_York. */
export function zoneCity(timeZone: string): string {
  const last = timeZone.split('/').pop() ?? timeZone;
  return last.replace(/_/g, ' ');
}

export interface SessionTimes {
  /** "09:30–11:00 London" */
  meeting: string;
  /**
   * "18:30–20:00 your time (Australia/Sydney)", with the day when it is not
   * the meeting's day; undefined when the viewer's clock reads the same.
   */
  viewer?: string;
}

/**
 * Describes when a session happens, in the meeting's time zone (labelled by
 * place, usually the meeting's city) and, when the clocks read differently,
 * in the viewer's own.
 */
export function describeSessionTimes(
  start: string,
  end: string,
  meetingZone: string,
  place: string,
  viewerZone: string,
): SessionTimes {
  const ms = wallClock(start, meetingZone);
  const me = wallClock(end, meetingZone);
  const meeting = `${ms.time}–${me.time} ${place || zoneCity(meetingZone)}`;
  const vs = wallClock(start, viewerZone);
  const ve = wallClock(end, viewerZone);
  if (vs.date === ms.date && vs.time === ms.time && ve.date === me.date && ve.time === me.time) {
    return { meeting };
  }
  const day = vs.date === ms.date ? '' : ` on ${formatShortDay(vs.date)}`;
  return { meeting, viewer: `${vs.time}–${ve.time}${day} your time (${viewerZone})` };
}

/** "UTC+1", "UTC+5:30", "UTC−4", "UTC" for an offset in milliseconds. */
export function formatUtcOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'UTC';
  const sign = offsetMs > 0 ? '+' : '−';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `UTC${sign}${h}${m ? `:${pad(m)}` : ''}`;
}

/** The zone's offset at noon on a calendar day, as formatUtcOffset writes it. */
export function utcOffsetOn(date: string, timeZone: string): string {
  const [y, m, d] = parseDate(date);
  return formatUtcOffset(zoneOffsetMs(Date.UTC(y, m - 1, d, 12), timeZone));
}
