// A session's decisions, recommendations and findings.
import type { OutcomeInput, OutcomeStatus, Outcome } from '../actions';
import { enc, get, list, request } from './client';

export const listOutcomes = (sessionId: string, signal?: AbortSignal) =>
  list<Outcome>(`/sessions/${enc(sessionId)}/outcomes`, { signal }).then((p) => p.items);
export const getOutcome = (id: string, signal?: AbortSignal) => get<Outcome>(`/outcomes/${enc(id)}`, signal);
export const createOutcome = (sessionId: string, input: OutcomeInput) =>
  request<Outcome>('POST', `/sessions/${enc(sessionId)}/outcomes`, input, { idempotent: true });
export const promoteToOutcome = (sessionId: string, seq: number, input: OutcomeInput) =>
  request<Outcome>('POST', `/sessions/${enc(sessionId)}/notes/${seq}/outcome`, input, { idempotent: true });
export const updateOutcome = (id: string, update: Partial<OutcomeInput> & { status?: OutcomeStatus; version: number }) =>
  request<Outcome>('PATCH', `/outcomes/${enc(id)}`, update);
export const signOff = (id: string) => request<Outcome>('POST', `/outcomes/${enc(id)}/sign-offs`);
export const withdrawSignOff = (id: string, delegation: string, reason: string) =>
  request<Outcome>('POST', `/outcomes/${enc(id)}/sign-offs/${enc(delegation)}/withdraw`, { reason });
