// A session's live record over REST; the live socket (lib/live/) is its twin.
import type { Note, NoteInput, NotePage } from '../types';
import { enc, request } from './client';

export const listNotes = (sessionId: string, after = 0, signal?: AbortSignal) =>
  request<NotePage>('GET', `/sessions/${enc(sessionId)}/notes?after=${after}`, undefined, { signal });
export const postNote = (sessionId: string, input: NoteInput) =>
  request<Note>('POST', `/sessions/${enc(sessionId)}/notes`, input);
