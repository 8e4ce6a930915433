// Outcomes and actions: their types (aliases of the generated schema) and
// helpers; the calls of the API are in api/outcomes.ts and api/actions.ts.
import { ApiError } from './api/client';
import type { ServerMessage } from './live';
import type { Schemas } from './types';

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
