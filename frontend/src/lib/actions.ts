// Outcomes and actions: their types (aliases of the generated schema) and
// helpers; the calls of the API are in api/outcomes.ts and api/actions.ts.
import { ApiError } from './api/client';
import type { ServerMessage } from './live';
import { MARKINGS, type Marking, type Meeting, type Schemas, type Session } from './types';

/** An outcome as a reader sees it, with its sign-off count and agreement. */
export type Outcome = Schemas['OutcomeView'];
export type OutcomeKind = Outcome['kind'];
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['decision', 'recommendation', 'finding'];
export type OutcomeStatus = Outcome['status'];
export type SignOff = Schemas['SignOff'];
/** A sign-off its delegation's head took back, with who, when and why. */
export type SignOffWithdrawal = Schemas['SignOffWithdrawal'];

/** Each kind as the app says it: a word, never the raw value. */
export const OUTCOME_KIND_LABELS: Record<OutcomeKind, string> = {
  decision: 'Decision',
  recommendation: 'Recommendation',
  finding: 'Finding',
};
/** The word for an outcome's kind; an unknown kind (a newer server) shows as it is. */
export const kindLabel = (k: string): string => OUTCOME_KIND_LABELS[k as OutcomeKind] ?? k;
/** Body of POST /sessions/{id}/outcomes. */
export type OutcomeInput = Schemas['OutcomeInput'];

export type Action = Schemas['Action'];
export type ActionStatus = Action['status'];
export const ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in-progress', 'done', 'blocked', 'dropped'];
export const STATUS_LABELS: Record<ActionStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  done: 'Done',
  blocked: 'Blocked',
  dropped: 'Dropped',
};

export type ProgressReport = Schemas['ProgressReport'];
/** Body of POST /actions. */
export type ActionInput = Schemas['ActionInput'];
/** Body of PATCH /actions/{id}. */
export type ActionUpdate = Schemas['ActionUpdate'];
/** Body of POST /actions/{id}/reports. */
export type ReportInput = Schemas['ReportInput'];
export type DueCounts = Schemas['DueCounts'];
export type BoardColumn = Schemas['BoardColumn'];
export type Board = Schemas['Board'];

export interface ActionFilter {
  meeting?: string;
  topic?: string;
  owner?: string;
  status?: ActionStatus[];
  overdue?: boolean;
  /** Pending and due within the next 30 days. */
  due_soon?: boolean;
  due_before?: string;
  changed_since?: string;
  /** A sort key the list declares (due, progress, reported; "-" first for descending). */
  sort?: string;
}

/** The query string of a filter, with only the parameters that are set. */
export function filterQuery(f: ActionFilter): string {
  const q = new URLSearchParams();
  if (f.meeting) q.set('meeting', f.meeting);
  if (f.topic) q.set('topic', f.topic);
  if (f.owner) q.set('owner', f.owner);
  if (f.status && f.status.length > 0) q.set('status', f.status.join(','));
  if (f.overdue) q.set('overdue', 'true');
  if (f.due_soon) q.set('due_soon', 'true');
  if (f.due_before) q.set('due_before', f.due_before);
  if (f.changed_since) q.set('changed_since', f.changed_since);
  if (f.sort) q.set('sort', f.sort);
  const s = q.toString();
  return s ? '?' + s : '';
}

export type CarryOverGroup = Schemas['CarryOverGroup'];

/**
 * The plain words of a stale version: who changed the action and when, as
 * the server's 409 stale_version carries the current action. Undefined for
 * other errors.
 */
export function conflictMessage(err: unknown, timeZone?: string): string | undefined {
  if (!(err instanceof ApiError) || !err.isStale) return undefined;
  const cur = err.current as Partial<Action> | undefined;
  if (!cur || !cur.updated_at) return err.message;
  const when = new Date(cur.updated_at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
  return `Updated by ${cur.updated_by_name || 'someone else'} at ${when} — review their change, then save again.`;
}

/** What a view does with live follow-up messages (see actionsLive.ts). */
export interface FollowupEvents {
  action?: (a: Action) => void;
  outcome?: (o: Outcome) => void;
  /** An outcome or action this reader may no longer read (its marking was raised): drop it. */
  withdrawn?: (kind: 'outcome' | 'action', id: string) => void;
  /** Called at the end of each catch-up: reload what may have been missed. */
  resync?: () => void;
}

/** Calls the handler a follow-up message is for; ignores other messages. */
export function dispatchFollowup(msg: ServerMessage, on: FollowupEvents): void {
  if (msg.type === 'action' && msg.action) on.action?.(msg.action as Action);
  else if (msg.type === 'outcome' && msg.outcome) on.outcome?.(msg.outcome as Outcome);
  else if (msg.type === 'withdrawn' && (msg.kind === 'outcome' || msg.kind === 'action') && typeof msg.id === 'string')
    on.withdrawn?.(msg.kind, msg.id);
}

/** What the action form edits: every field of an action a person writes. */
export interface ActionDraft {
  title: string;
  description: string;
  owner: string;
  agency: string;
  contact: string;
  due: string;
  meeting_id: string;
  topics: string[];
  marking: Action['marking'];
}

/** The form's values of an action, for editing. */
export function draftOf(a: Action): ActionDraft {
  return {
    title: a.title,
    description: a.description,
    owner: a.owner,
    agency: a.agency,
    contact: a.contact,
    due: a.due,
    meeting_id: a.meeting_id,
    topics: [...a.topics],
    marking: a.marking,
  };
}

/**
 * The body of PATCH /actions/{id} for a draft of a: only the fields that
 * changed (so that a save does not rewrite what a colleague changed in
 * another field), with the version the edit started from. The meeting an
 * action comes from is not edited.
 */
export function changesOf(a: Action, d: ActionDraft, version: number): ActionUpdate {
  const u: ActionUpdate = { version };
  const text = ['title', 'description', 'owner', 'agency', 'contact', 'due'] as const;
  for (const k of text) if (d[k].trim() !== a[k]) u[k] = d[k].trim();
  if (d.marking !== a.marking) u.marking = d.marking;
  if ([...d.topics].sort().join('\n') !== [...a.topics].sort().join('\n')) u.topics = [...d.topics];
  return u;
}

/** Today in the reader's own calendar, as YYYY-MM-DD. */
export function localToday(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Whether a due date (YYYY-MM-DD) is before today: such a date is saved only once confirmed. */
export function isPastDue(due: string, today: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(due) && due < today;
}

export type Revision = Schemas['Revision'];

const FIELD_NAMES: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  owner: 'Owner',
  agency: 'Agency',
  contact: 'Contact',
  due: 'Due date',
  status: 'Status',
  progress: 'Progress',
  reason: 'Reason',
  topics: 'Topics',
  marking: 'Marking',
};

/** One line of an action's history: its headline and the changes besides. */
export interface HistoryLine {
  headline: string;
  changes: string[];
}

/**
 * An entry of an action's history as people read it: a handover says from
 * which delegation to which ("Handed from CA to NZ by Aroha Ngata on 3 Dec
 * 2026, 10:02"), other edits who changed what; each other field's change as
 * "Due date: 2015-06-30 → 2015-09-30". A description changes as a whole, so
 * only the fact of it is shown.
 */
export function historyLine(r: Revision, timeZone?: string): HistoryLine {
  const when = new Date(r.at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const owner = r.changes.find((c) => c.field === 'owner');
  const rest = r.changes.filter((c) => c !== owner || r.action !== 'handed over');
  const headline =
    r.action === 'handed over' && owner
      ? `Handed from ${owner.from} to ${owner.to} by ${r.by_name} on ${when}`
      : `${r.action === 'reported' ? 'Report' : 'Changed'} by ${r.by_name} on ${when}`;
  const changes = rest.map((c) => {
    const name = FIELD_NAMES[c.field] ?? c.field;
    if (c.field === 'description') return `${name} rewritten`;
    const show = (v: string) =>
      v === '' ? '(none)' : c.field === 'status' ? (STATUS_LABELS[v as ActionStatus] ?? v) : c.field === 'progress' ? `${v}%` : v;
    return `${name}: ${show(c.from)} → ${show(c.to)}`;
  });
  return { headline, changes };
}

/** How long a title proposed from a note may be (conference.MaxProposedTitle). */
export const MAX_PROPOSED_TITLE = 120;

/**
 * The title an action promoted from a note starts with, as the server
 * proposes it (conference.ProposedTitle; both are tested against
 * internal/conference/testdata/proposed_titles.json): the note's first
 * sentence or first line, at most 120 characters, cut at a word with an
 * ellipsis when longer. The rapporteur edits it before saving.
 */
export function proposedTitle(text: string): string {
  let line = (text.trim().split('\n')[0] ?? '').trim();
  // A sentence ends at ".", "!" or "?" followed by a space.
  const end = line.search(/[.!?] /);
  if (end >= 0) line = line.slice(0, end + 1);
  const chars = Array.from(line); // code points, as Go counts runes
  if (chars.length <= MAX_PROPOSED_TITLE) return line;
  let cut = chars.slice(0, MAX_PROPOSED_TITLE - 1).join('');
  const space = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\t'));
  if (space > 0 && chars[MAX_PROPOSED_TITLE - 1] !== ' ') cut = cut.slice(0, space);
  return cut.replace(/[ \t,;:]+$/, '') + '…';
}

/**
 * What a new action comes from, as the form shows and sends it: the meeting
 * always, the session and outcome when there is one, the least marking the
 * action may carry (its outcome's), and what the form starts with.
 */
export interface ActionFrom {
  /** What it comes from, to follow "from": a recommendation of the session “Training judges”. */
  what: string;
  /** The outcome's words, shown beside the form. */
  quote?: string;
  meeting_id: string;
  session_id?: string;
  outcome_id?: string;
  floor: Marking;
  title: string;
  topics: string[];
}

/** The more restricted of two markings. */
export const mostRestricted = (a: Marking, b: Marking): Marking => (MARKINGS.indexOf(a) >= MARKINGS.indexOf(b) ? a : b);

/** The markings an action may carry above a floor, least restricted first. */
export const markingsFrom = (floor: Marking): Marking[] => MARKINGS.filter((m) => m === mostRestricted(m, floor));

const indefinite = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** A new action drawn from an outcome of a session: its title proposed from the outcome's first sentence. */
export function fromOutcome(o: Outcome, s: Session): ActionFrom {
  return {
    what: `${indefinite(kindLabel(o.kind).toLowerCase())} of the session “${s.title}”`,
    quote: o.text,
    meeting_id: o.meeting_id,
    session_id: o.session_id,
    outcome_id: o.id,
    floor: o.marking,
    title: proposedTitle(o.text),
    topics: [...s.topics],
  };
}

/** A new action from a session, under the session's topics. */
export function fromSession(s: Session): ActionFrom {
  return { what: `the session “${s.title}”`, meeting_id: s.meeting_id, session_id: s.id, floor: 'all', title: '', topics: [...s.topics] };
}

/** A new action from a meeting. */
export function fromMeeting(m: Meeting): ActionFrom {
  return { what: m.title, meeting_id: m.id, floor: 'all', title: '', topics: [] };
}
