// The meeting form's pure part: what it starts from (empty, the next meeting
// after one, or a meeting being edited), the id a new meeting gets, and what
// it sends. MeetingForm.svelte shows it; the server checks it.
import type { Meeting, MeetingInput, Topic } from './types';

/** The delegations a new meeting invites unless the secretariat says otherwise. */
export const FIVE = ['AU', 'CA', 'GB', 'NZ', 'US'] as const;

/** The form's fields, as the API names them. */
export interface MeetingDraft {
  title: string;
  host: string;
  city: string;
  venue: string;
  time_zone: string;
  start_date: string;
  end_date: string;
  delegations: string[];
  /** The agenda's themes, topic ids in agenda order. */
  topics: string[];
}

export const MEETING_FIELDS = [
  'title',
  'host',
  'city',
  'venue',
  'time_zone',
  'start_date',
  'end_date',
  'delegations',
  'topics',
] as const;

/** A blank meeting: the five delegations, nothing else. */
export function emptyDraft(known: readonly string[] = FIVE): MeetingDraft {
  return {
    title: '',
    host: '',
    city: '',
    venue: '',
    time_zone: '',
    start_date: '',
    end_date: '',
    delegations: FIVE.filter((c) => known.includes(c)),
    topics: [],
  };
}

/** A meeting as the form edits it. */
export function draftOf(m: Meeting): MeetingDraft {
  return {
    title: m.title,
    host: m.host,
    city: m.city,
    venue: m.venue,
    time_zone: m.time_zone,
    start_date: m.start_date,
    end_date: m.end_date,
    delegations: [...m.delegations],
    topics: [...m.topics],
  };
}

/** The same calendar day a year later; 29 February becomes 28 February. */
export function nextYear(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return '';
  const [y, mo, d] = [Number(m[1]) + 1, m[2]!, m[3]!];
  const day = mo === '02' && d === '29' && !isLeap(y) ? '28' : d;
  return `${String(y).padStart(4, '0')}-${mo}-${day}`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * The next meeting after last: the same delegations, its topics that are not
 * retired as the agenda's themes, its dates a year on and its year in the
 * title moved on. The host, city, venue and zone are kept as a start for the
 * secretariat to change (they rotate); the id follows the new city and year.
 */
export function nextDraft(last: Meeting, topics: readonly Topic[]): MeetingDraft {
  const retired = new Set(topics.filter((t) => t.retired).map((t) => t.id));
  const year = last.start_date.slice(0, 4);
  const next = nextYear(last.start_date).slice(0, 4);
  return {
    ...draftOf(last),
    title: year && next ? last.title.replace(new RegExp(`\\b${year}\\b`, 'g'), next) : last.title,
    start_date: nextYear(last.start_date),
    end_date: nextYear(last.end_date),
    topics: last.topics.filter((id) => !retired.has(id)),
  };
}

/** The most recent meeting: the one that starts last. */
export function latest(meetings: readonly Meeting[]): Meeting | undefined {
  return meetings.reduce<Meeting | undefined>((a, m) => (!a || m.start_date > a.start_date ? m : a), undefined);
}

/** The id a new meeting gets, for its links: "ottawa-2015" from the city and the year. */
export function meetingId(d: Pick<MeetingDraft, 'city' | 'start_date'>): string {
  const city = d.city
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const year = /^\d{4}/.exec(d.start_date)?.[0] ?? '';
  return [city, year].filter(Boolean).join('-');
}

/** What a create sends: the draft trimmed, with an id when one can be made (else the server makes one). */
export function createInput(d: MeetingDraft): MeetingInput {
  const input: MeetingInput = { ...trimmed(d) };
  const id = meetingId(d);
  if (id) input.id = id;
  return input;
}

/** What an edit sends: only the fields that changed. */
export function changes(before: Meeting, d: MeetingDraft): Partial<MeetingDraft> {
  const now = trimmed(d);
  const was = draftOf(before);
  const out: Partial<Record<keyof MeetingDraft, unknown>> = {};
  for (const k of MEETING_FIELDS) {
    if (JSON.stringify(now[k]) !== JSON.stringify(was[k])) out[k] = now[k];
  }
  return out as Partial<MeetingDraft>;
}

function trimmed(d: MeetingDraft): MeetingDraft {
  return {
    ...d,
    title: d.title.trim(),
    city: d.city.trim(),
    venue: d.venue.trim(),
    time_zone: d.time_zone.trim(),
    delegations: [...d.delegations],
    topics: [...d.topics],
  };
}

/** The topics a session may be given: those not retired, and any retired one it already has. */
export function offeredTopics<T extends Pick<Topic, 'id' | 'retired'>>(topics: readonly T[], has: readonly string[] = []): T[] {
  return topics.filter((t) => !t.retired || has.includes(t.id));
}

/** Every IANA time zone the browser knows, for the time zone field's list. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}
