// The register of capacity-building activity, its links, coverage and
// search: their types (aliases of the generated schema) and helpers; the
// calls of the API are in api/register.ts and api/search.ts.
import type { Schemas } from './types';

export type RegisterEntry = Schemas['RegisterEntry'];
export type Audience = RegisterEntry['audiences'][number];
export type Format = RegisterEntry['format'];
export type EntryStatus = RegisterEntry['status'];
export type LinkKind = Schemas['Link']['from_kind'];
export type SearchKind = Schemas['SearchHit']['kind'];

export const AUDIENCES: readonly Audience[] = ['prosecutors', 'judiciary', 'investigators', 'policy', 'other'];
export const FORMATS: readonly Format[] = ['training', 'exchange', 'guidance', 'conference', 'tool', 'other'];
export const ENTRY_STATUSES: readonly EntryStatus[] = ['planned', 'ongoing', 'completed'];
export const LINK_KINDS: readonly LinkKind[] = ['topic', 'note', 'outcome', 'action'];
export const SEARCH_KINDS: readonly SearchKind[] = ['register', 'topic', 'session', 'note', 'outcome', 'action'];

export const AUDIENCE_LABELS: Record<Audience, string> = {
  prosecutors: 'Prosecutors',
  judiciary: 'Judiciary',
  investigators: 'Investigators',
  policy: 'Policy',
  other: 'Other',
};
/** One or two letters per audience, for the coverage matrix's narrow cells. */
export const AUDIENCE_SHORT: Record<Audience, string> = {
  prosecutors: 'P',
  judiciary: 'J',
  investigators: 'I',
  policy: 'Po',
  other: 'O',
};
export const FORMAT_LABELS: Record<Format, string> = {
  training: 'Training',
  exchange: 'Exchange',
  guidance: 'Guidance',
  conference: 'Conference',
  tool: 'Tool',
  other: 'Other',
};
export const STATUS_LABELS: Record<EntryStatus, string> = {
  planned: 'Planned',
  ongoing: 'Ongoing',
  completed: 'Completed',
};
export const LINK_KIND_LABELS: Record<LinkKind, string> = {
  topic: 'Topics',
  note: 'Notes',
  outcome: 'Outcomes',
  action: 'Actions',
};
export const SEARCH_KIND_LABELS: Record<SearchKind, string> = {
  register: 'Register entries',
  topic: 'Topics',
  session: 'Sessions',
  note: 'Notes',
  outcome: 'Outcomes',
  action: 'Actions',
};
/** The audiences, formats and statuses as a select's options, in order. */
/** "1 entry", "3 entries". */
export const entryCount = (n: number) => `${n} entr${n === 1 ? 'y' : 'ies'}`;

export const AUDIENCE_OPTIONS = AUDIENCES.map((a) => ({ value: a, label: AUDIENCE_LABELS[a] }));
export const FORMAT_OPTIONS = FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }));
export const STATUS_OPTIONS = ENTRY_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));

export type Reference = Schemas['Reference'];

/** Body of POST /register. */
export type RegisterEntryInput = Schemas['RegisterEntryInput'];

/**
 * The entry form's values: every field of the body, with format and status
 * empty until chosen (the server then names the field that is missing).
 */
export type RegisterEntryDraft = Required<Omit<RegisterEntryInput, 'format' | 'status' | 'example'>> & {
  format: Format | '';
  status: EntryStatus | '';
};

/** Body of PATCH /register/{id}: any subset, with the version edited. */
export type RegisterEntryUpdate = Schemas['RegisterEntryUpdate'];

export type FieldChange = Schemas['FieldChange'];
export type Revision = Schemas['Revision'];
export type Backlink = Schemas['Backlink'];
export type Backlinks = Schemas['Backlinks'];
export type Link = Schemas['Link'];
/** A linked entry; the server always sends the entry. */
export type LinkedEntry = Schemas['LinkedEntry'] & { entry: RegisterEntry };
export type CoverageCell = Schemas['CoverageCell'];
export type Coverage = Schemas['Coverage'];
export type Fragment = Schemas['Fragment'];
export type SearchHit = Schemas['SearchHit'];
export type SearchResults = Schemas['SearchPage'];
export type ImportProblem = Schemas['ImportProblem'];
export type ImportReport = Schemas['ImportReport'];

/** The register list's filters, as the URL and the API spell them. */
export interface RegisterFilter {
  delegation?: string;
  audience?: string;
  format?: string;
  status?: string;
  topic?: string;
  year?: string;
  archived?: string;
}

export const FILTER_KEYS: readonly (keyof RegisterFilter)[] = [
  'delegation',
  'audience',
  'format',
  'status',
  'topic',
  'year',
  'archived',
];

/** The query string of a filter, without empty values, in a stable order. */
export function filterQuery(f: RegisterFilter): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = f[k]?.trim();
    if (v) q.set(k, v);
  }
  return q.toString();
}

/** Reads a filter from query parameters, keeping only the known keys. */
export function filterFrom(q: URLSearchParams): RegisterFilter {
  const f: RegisterFilter = {};
  for (const k of FILTER_KEYS) {
    const v = q.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/** An empty entry form. */
export function blankInput(lead = ''): RegisterEntryDraft {
  return {
    title: '',
    summary: '',
    lead_delegation: lead,
    lead_agency: '',
    partner_delegations: [],
    audiences: [],
    format: '',
    status: '',
    start_date: '',
    end_date: '',
    topics: [],
    references: [],
  };
}

/** The form's values of an entry, for editing. */
export function inputOf(e: RegisterEntry): RegisterEntryDraft {
  return {
    title: e.title,
    summary: e.summary,
    lead_delegation: e.lead_delegation,
    lead_agency: e.lead_agency,
    partner_delegations: [...e.partner_delegations],
    audiences: [...e.audiences],
    format: e.format,
    status: e.status,
    start_date: e.start_date,
    end_date: e.end_date ?? '',
    topics: [...e.topics],
    references: e.references.map((r) => ({ ...r })),
  };
}

/** The fields of `input` that differ from `e`, as a PATCH body at e's version. */
export function changesOf(e: RegisterEntry, input: RegisterEntryDraft): RegisterEntryUpdate {
  const before = inputOf(e);
  const update: RegisterEntryUpdate = { version: e.version };
  const u = update as Record<string, unknown>;
  for (const k of Object.keys(input) as (keyof RegisterEntryDraft)[]) {
    if (JSON.stringify(input[k]) !== JSON.stringify(before[k])) u[k] = input[k];
  }
  return update;
}

/** "2015-03-02 – 2015-03-03", "from 2014-10-01", or the single day. */
export function entryDates(e: Pick<RegisterEntry, 'start_date' | 'end_date' | 'status'>): string {
  if (!e.end_date) return e.status === 'ongoing' ? `since ${e.start_date}` : e.start_date;
  if (e.end_date === e.start_date) return e.start_date;
  return `${e.start_date} – ${e.end_date}`;
}

const instantFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** An instant as the reader's clock shows it: "26 Nov 2026, 17:04". */
export function formatInstant(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : instantFormat.format(t);
}

/**
 * Whether a meeting channel's message changes the register links shown for
 * (fromKind, fromId), whose entries are `shown`: a link of that thing made
 * or removed, or a shown entry edited (docs/live-protocol.md, "link,
 * link_removed, register_entry").
 */
export function changesLinks(
  msg: { type: string; [key: string]: unknown },
  fromKind: LinkKind,
  fromId: string,
  shown: ReadonlySet<string>,
): boolean {
  if (msg.type === 'link_removed') return msg.from_kind === fromKind && msg.from_id === fromId;
  if (msg.type === 'link') {
    const l = msg.link as { from_kind?: unknown; from_id?: unknown } | undefined;
    return !!l && l.from_kind === fromKind && l.from_id === fromId;
  }
  if (msg.type === 'register_entry') {
    const e = msg.entry as { id?: unknown } | undefined;
    return !!e && typeof e.id === 'string' && shown.has(e.id);
  }
  return false;
}
