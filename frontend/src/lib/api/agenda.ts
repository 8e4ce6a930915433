// Meetings, their sessions, topics and delegations.
import type { Delegation, Meeting, Session, SessionInput, SessionUpdate, Topic } from '../types';
import { enc, request } from './client';

const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, { signal });

export const listMeetings = (signal?: AbortSignal) => get<Meeting[]>('/meetings', signal);
export const getMeeting = (id: string, signal?: AbortSignal) => get<Meeting>(`/meetings/${enc(id)}`, signal);
export const listSessions = (meetingId: string, signal?: AbortSignal) =>
  get<Session[]>(`/meetings/${enc(meetingId)}/sessions`, signal);
export const getSession = (id: string, signal?: AbortSignal) => get<Session>(`/sessions/${enc(id)}`, signal);
export const createSession = (meetingId: string, input: SessionInput) =>
  request<Session>('POST', `/meetings/${enc(meetingId)}/sessions`, input, { idempotent: true });
export const updateSession = (id: string, update: SessionUpdate) =>
  request<Session>('PATCH', `/sessions/${enc(id)}`, update);
export const deleteSession = (id: string) => request<void>('DELETE', `/sessions/${enc(id)}`);
export const startSession = (id: string) => request<Session>('POST', `/sessions/${enc(id)}/start`);
export const endSession = (id: string) => request<Session>('POST', `/sessions/${enc(id)}/end`);
export const listTopics = (signal?: AbortSignal) => get<Topic[]>('/topics', signal);
/** A topic by id or slug (the register's topic pages). */
export const getTopic = (idOrSlug: string, signal?: AbortSignal) => get<Topic>(`/topics/${enc(idOrSlug)}`, signal);
export const listDelegations = (signal?: AbortSignal) => get<Delegation[]>('/delegations', signal);
