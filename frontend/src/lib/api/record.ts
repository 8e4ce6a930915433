// A meeting's record and brief: the published versions of the record, and
// publishing a new one or the brief.
import type { Marking, Meeting, RecordVersion } from '../types';
import { enc, list, request } from './client';

/** The published versions the reader's clearance covers, newest first, without their content. */
export const listRecordVersions = (meetingId: string, signal?: AbortSignal) =>
  list<RecordVersion>(`/meetings/${enc(meetingId)}/record/versions`, { signal }).then((p) => p.items);

/** Publishes the record as its next version, read as a reader of marking reads it (the secretariat). */
export const publishRecord = (meetingId: string, marking: Marking) =>
  request<RecordVersion>('POST', `/meetings/${enc(meetingId)}/record/versions`, { marking }, { idempotent: true });

/**
 * Publishes the brief as of date (YYYY-MM-DD), or withdraws it with "", on
 * the meeting as it was read: a meeting changed since is not changed (409).
 */
export const setBriefPublished = (meeting: Meeting, date: string) =>
  request<Meeting>('PATCH', `/meetings/${enc(meeting.id)}`, { brief_published: date, version: meeting.version });

/** The address of a document of the meeting: record.html, brief.md, or a version's record.pdf. */
export function meetingDocument(meetingId: string, name: string, version?: number): string {
  const base = `/api/v1/meetings/${enc(meetingId)}`;
  return version === undefined ? `${base}/${name}` : `${base}/record/versions/${version}/${name}`;
}
