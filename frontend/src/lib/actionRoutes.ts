// The pages of actions, kept apart from routes.ts so that their routes read
// in one place, as the register's do (registerRoutes.ts):
//   #/actions?topic=…&status=open&due=overdue&sort=-reported   the board, filtered and sorted
//   #/actions/mine?…                                           my delegation's board, the same way
//   #/actions/new                                              a new action, from a meeting
//   #/actions/new?outcome=…  (or session=…, or meeting=…)      a new action from that outcome, session or meeting
//   #/actions/{id}                                             an action, its reports and history
// The board's filters and sort live in the query, so that a view can be
// shared as a link and survives a reload.
import { ACTION_STATUSES, type ActionFilter, type ActionStatus } from './actions';

/** How the board lists its actions: the filters and the sort, as the URL holds them. */
export interface BoardView {
  meeting?: string;
  topic?: string;
  /** A delegation code. */
  owner?: string;
  status?: ActionStatus;
  /** Only the overdue, or only those due within 30 days. */
  due?: DueWindow;
  sort?: BoardSort;
}

export type DueWindow = 'overdue' | 'due_soon';
export const DUE_WINDOWS: readonly { value: DueWindow; label: string }[] = [
  { value: 'overdue', label: 'Overdue' },
  { value: 'due_soon', label: 'Due within 30 days' },
];

/** The sorts the action list declares (GET /actions ?sort=), as the board offers them. */
export const BOARD_SORTS = [
  { value: 'due', label: 'Due date, soonest first' },
  { value: '-due', label: 'Due date, latest first' },
  { value: '-reported', label: 'Last report, newest first' },
  { value: 'reported', label: 'Last report, oldest first' },
  { value: 'progress', label: 'Progress, least first' },
  { value: '-progress', label: 'Progress, most first' },
] as const;
export type BoardSort = (typeof BOARD_SORTS)[number]['value'];

/** The order of the keys in the URL: one view, one link. */
const KEYS = ['meeting', 'topic', 'owner', 'status', 'due', 'sort'] as const;

/**
 * What a new action comes from, as its page's link names it: one outcome,
 * one session or one meeting (the server fills in the rest of the lineage).
 */
export type ActionOrigin = { kind: 'outcome' | 'session' | 'meeting'; id: string };
const ORIGIN_KINDS = ['outcome', 'session', 'meeting'] as const;

export type ActionsRoute =
  | { name: 'actions'; mine: boolean; view: BoardView }
  | { name: 'actionNew'; from?: ActionOrigin }
  | { name: 'action'; id: string };

const NAMES = new Set(['actions', 'actionNew', 'action']);

export function isActionsRoute(r: { name: string }): r is ActionsRoute {
  return NAMES.has(r.name);
}

/** Reads the path parts and query of a hash as one of these pages, or null. */
export function parseActionsRoute(parts: string[], query: URLSearchParams): ActionsRoute | null {
  const [a, b] = parts;
  if (a !== 'actions') return null;
  if (parts.length === 1) return { name: 'actions', mine: false, view: viewFrom(query) };
  if (parts.length !== 2 || !b) return null;
  if (b === 'mine') return { name: 'actions', mine: true, view: viewFrom(query) };
  if (b === 'new') {
    // The narrowest origin named wins: an outcome belongs to a session, which belongs to a meeting.
    const kind = ORIGIN_KINDS.find((k) => query.get(k)?.trim());
    return kind ? { name: 'actionNew', from: { kind, id: query.get(kind)!.trim() } } : { name: 'actionNew' };
  }
  return { name: 'action', id: b };
}

/**
 * The view a query names. A value the board does not offer (a misspelt
 * status, an old link's sort) is dropped rather than sent, so that a bad
 * link shows the whole list instead of an error.
 */
export function viewFrom(q: URLSearchParams): BoardView {
  const v: BoardView = {};
  const text = (k: string) => q.get(k)?.trim() ?? '';
  if (text('meeting')) v.meeting = text('meeting');
  if (text('topic')) v.topic = text('topic');
  if (text('owner')) v.owner = text('owner').toUpperCase();
  const status = text('status') as ActionStatus;
  if (ACTION_STATUSES.includes(status)) v.status = status;
  const due = text('due') as DueWindow;
  if (DUE_WINDOWS.some((w) => w.value === due)) v.due = due;
  const sort = text('sort') as BoardSort;
  if (BOARD_SORTS.some((s) => s.value === sort)) v.sort = sort;
  return v;
}

/** The hash of the page that creates an action, from an origin or on its own. */
export function newActionHref(from?: ActionOrigin): string {
  return from ? `#/actions/new?${from.kind}=${encodeURIComponent(from.id)}` : '#/actions/new';
}

/** The hash of the board (or my delegation's) with a view; the default sort is left out. */
export function actionsHref(view: BoardView = {}, mine = false): string {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    const val = view[k];
    if (val && !(k === 'sort' && val === 'due')) q.set(k, val);
  }
  const s = q.toString();
  const path = mine ? '#/actions/mine' : '#/actions';
  return s ? `${path}?${s}` : path;
}

/** The list's filter of a view; owner is the reader's delegation on "mine". */
export function listFilter(view: BoardView, owner = ''): ActionFilter {
  const f: ActionFilter = {};
  if (view.meeting) f.meeting = view.meeting;
  if (view.topic) f.topic = view.topic;
  if (owner || view.owner) f.owner = owner || view.owner;
  if (view.status) f.status = [view.status];
  if (view.due === 'overdue') f.overdue = true;
  if (view.due === 'due_soon') f.due_soon = true;
  if (view.sort && view.sort !== 'due') f.sort = view.sort;
  return f;
}

/** The board's filter: its counts are per delegation and status, so only where the actions come from narrows them. */
export function boardFilter(view: BoardView, owner = ''): ActionFilter {
  const f: ActionFilter = {};
  if (view.meeting) f.meeting = view.meeting;
  if (view.topic) f.topic = view.topic;
  if (owner || view.owner) f.owner = owner || view.owner;
  return f;
}

/** Whether a view narrows the list at all (the sort does not). */
export function isFiltered(view: BoardView): boolean {
  return !!(view.meeting || view.topic || view.owner || view.status || view.due);
}
