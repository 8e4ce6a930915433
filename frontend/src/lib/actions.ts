// Outcomes and actions: their types (the JSON of internal/conference) and
// helpers; the calls of the API are in api/outcomes.ts and api/actions.ts.
import { ApiError } from './api/client';
import type { ServerMessage } from './live';
import type { Marking } from './types';

export type OutcomeKind = 'decision' | 'recommendation' | 'finding';
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['decision', 'recommendation', 'finding'];
export type OutcomeStatus = 'draft' | 'agreed';

export interface SignOff {
  delegation: string;
  by: string;
  by_name: string;
  at: string;
}

export interface Outcome {
  id: string;
  meeting_id: string;
  session_id: string;
  kind: OutcomeKind;
  text: string;
  sources: number[];
  marking: Marking;
  status: OutcomeStatus;
  sign_offs: SignOff[];
  history: { version: number; text: string; replaced_by_name: string; replaced_at: string }[];
  updated_by_name: string;
  updated_at: string;
  version: number;
  signed_off: number;
  delegations: number;
  agreement: string;
}

export interface OutcomeInput {
  kind: OutcomeKind;
  text?: string;
  sources?: number[];
  marking?: Marking;
}

export type ActionStatus = 'open' | 'in-progress' | 'done' | 'blocked' | 'dropped';
export const ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in-progress', 'done', 'blocked', 'dropped'];
export const STATUS_LABELS: Record<ActionStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  done: 'Done',
  blocked: 'Blocked',
  dropped: 'Dropped',
};

export interface ProgressReport {
  at: string;
  author: string;
  author_name: string;
  text: string;
  status: ActionStatus;
  progress: number;
}

export interface Action {
  id: string;
  meeting_id: string;
  session_id?: string;
  outcome_id?: string;
  note_seq?: number;
  title: string;
  description: string;
  owner: string;
  agency: string;
  contact: string;
  due: string;
  status: ActionStatus;
  reason?: string;
  progress: number;
  topics: string[];
  marking: Marking;
  reports: ProgressReport[];
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_by_name: string;
  updated_at: string;
  version: number;
}

export interface ActionInput {
  title?: string;
  description?: string;
  owner: string;
  agency?: string;
  contact?: string;
  due: string;
  topics?: string[];
  marking?: Marking;
  meeting_id?: string;
  session_id?: string;
  note_seq?: number;
  outcome_id?: string;
}

export interface ActionUpdate {
  title?: string;
  description?: string;
  owner?: string;
  agency?: string;
  contact?: string;
  due?: string;
  status?: ActionStatus;
  reason?: string;
  progress?: number;
  version: number;
}

export interface ReportInput {
  text: string;
  status?: ActionStatus;
  progress?: number;
  reason?: string;
  version: number;
}

export interface DueCounts {
  overdue: number;
  due_soon: number;
  on_track: number;
  done: number;
  dropped: number;
  total: number;
}

export interface BoardColumn {
  delegation: string;
  name: string;
  counts: DueCounts;
  attention: Action[];
}

export interface Board {
  today: string;
  columns: BoardColumn[];
  totals: DueCounts;
}

export interface ActionFilter {
  meeting?: string;
  topic?: string;
  owner?: string;
  status?: ActionStatus[];
  overdue?: boolean;
  due_before?: string;
  changed_since?: string;
}

/** The query string of a filter, with only the parameters that are set. */
export function filterQuery(f: ActionFilter): string {
  const q = new URLSearchParams();
  if (f.meeting) q.set('meeting', f.meeting);
  if (f.topic) q.set('topic', f.topic);
  if (f.owner) q.set('owner', f.owner);
  if (f.status && f.status.length > 0) q.set('status', f.status.join(','));
  if (f.overdue) q.set('overdue', 'true');
  if (f.due_before) q.set('due_before', f.due_before);
  if (f.changed_since) q.set('changed_since', f.changed_since);
  const s = q.toString();
  return s ? '?' + s : '';
}

export interface CarryOverGroup {
  topic: { id: string; title: string } | null;
  actions: Action[];
}

/**
 * The plain words of a version conflict: who changed the action and when, as
 * the server's 409 carries the current action. Undefined for other errors.
 */
export function conflictMessage(err: unknown, timeZone?: string): string | undefined {
  if (!(err instanceof ApiError) || !err.isConflict || err.field !== 'version') return undefined;
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
