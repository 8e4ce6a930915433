// Meetings, their sessions, topics and delegations.
import type { Delegation, Lineage, Meeting, MeetingInput, Session, SessionInput, SessionUpdate, Topic, TopicInput } from '../types';
import { enc, get, list, request } from './client';

export const listMeetings = (signal?: AbortSignal) => list<Meeting>('/meetings', { signal }).then((p) => p.items);
export const getMeeting = (id: string, signal?: AbortSignal) => get<Meeting>(`/meetings/${enc(id)}`, signal);
export const listSessions = (meetingId: string, signal?: AbortSignal) =>
  list<Session>(`/meetings/${enc(meetingId)}/sessions`, { signal }).then((p) => p.items);
export const getSession = (id: string, signal?: AbortSignal) => get<Session>(`/sessions/${enc(id)}`, signal);
export const createSession = (meetingId: string, input: SessionInput) =>
  request<Session>('POST', `/meetings/${enc(meetingId)}/sessions`, input, { idempotent: true });
export const updateSession = (id: string, update: SessionUpdate) =>
  request<Session>('PATCH', `/sessions/${enc(id)}`, update);
/** Removes a session as it was read: a session changed since is not removed (412). */
export const deleteSession = (id: string, version: number) =>
  request<void>('DELETE', `/sessions/${enc(id)}`, undefined, { ifMatch: version });
export const startSession = (id: string) => request<Session>('POST', `/sessions/${enc(id)}/start`);
export const endSession = (id: string) => request<Session>('POST', `/sessions/${enc(id)}/end`);
export const listTopics = (signal?: AbortSignal) => list<Topic>('/topics', { signal }).then((p) => p.items);
/** A topic by id or slug (the register's topic pages). */
export const getTopic = (idOrSlug: string, signal?: AbortSignal) => get<Topic>(`/topics/${enc(idOrSlug)}`, signal);
/** A topic's lineage, meeting by meeting, as the reader may read it. */
export const getLineage = (idOrSlug: string, signal?: AbortSignal) =>
  get<Lineage>(`/topics/${enc(idOrSlug)}/lineage`, signal);
export const listDelegations = (signal?: AbortSignal) =>
  list<Delegation>('/delegations', { signal }).then((p) => p.items);

// Setting up meetings and topics (the secretariat). Changes carry the version
// they were made on: a meeting or topic changed since is not changed (409/412).
export const createMeeting = (input: MeetingInput) => request<Meeting>('POST', '/meetings', input, { idempotent: true });
export const updateMeeting = (id: string, update: Partial<MeetingInput> & { version: number }) =>
  request<Meeting>('PATCH', `/meetings/${enc(id)}`, update);
/** Removes a meeting as it was read, only while it is empty (409 otherwise). */
export const deleteMeeting = (id: string, version: number) =>
  request<void>('DELETE', `/meetings/${enc(id)}`, undefined, { ifMatch: version });
export const closeMeeting = (id: string, reason: string, version: number) =>
  request<Meeting>('POST', `/meetings/${enc(id)}/close`, { reason, version });
export const reopenMeeting = (id: string, reason: string, version: number) =>
  request<Meeting>('POST', `/meetings/${enc(id)}/reopen`, { reason, version });
export const createTopic = (input: TopicInput) => request<Topic>('POST', '/topics', input, { idempotent: true });
export const updateTopic = (id: string, update: Partial<TopicInput> & { retired?: boolean; version: number }) =>
  request<Topic>('PATCH', `/topics/${enc(id)}`, update);
