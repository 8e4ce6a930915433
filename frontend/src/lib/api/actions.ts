// Follow-up actions, their board, reports and the carry-over between meetings.
import {
  filterQuery,
  type Action,
  type ActionFilter,
  type ActionInput,
  type ActionUpdate,
  type Board,
  type CarryOverGroup,
  type ReportInput,
} from '../actions';
import { API_BASE, enc, get, list, request } from './client';

export const listActions = async (f: ActionFilter = {}, signal?: AbortSignal) =>
  (await list<Action>(`/actions${filterQuery(f)}`, { signal })).items;
export const getBoard = (f: ActionFilter = {}, signal?: AbortSignal) => get<Board>(`/actions/board${filterQuery(f)}`, signal);
export const getAction = (id: string, signal?: AbortSignal) => get<Action>(`/actions/${enc(id)}`, signal);
export const createAction = (input: ActionInput) => request<Action>('POST', '/actions', input, { idempotent: true });
export const updateAction = (id: string, update: ActionUpdate) => request<Action>('PATCH', `/actions/${enc(id)}`, update);
export const reportProgress = (id: string, input: ReportInput) =>
  request<Action>('POST', `/actions/${enc(id)}/reports`, input, { idempotent: true });
export const promoteToAction = (sessionId: string, seq: number, input: ActionInput) =>
  request<Action>('POST', `/sessions/${enc(sessionId)}/notes/${seq}/action`, input, { idempotent: true });
export const carryOver = (meetingId: string, signal?: AbortSignal) =>
  list<CarryOverGroup>(`/meetings/${enc(meetingId)}/carry-over`, { signal }).then((p) => p.items);

/** The address of the CSV export of a filter, for a download link. */
export const actionsCsvHref = (f: ActionFilter = {}) => `${API_BASE}/actions.csv${filterQuery(f)}`;
