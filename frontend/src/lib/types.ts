// Types of the HTTP API (docs/api-sketch.md), mirroring the json tags of
// internal/conference. Times are RFC 3339 strings in UTC; calendar dates are
// YYYY-MM-DD strings.

export type Role = 'admin' | 'rapporteur' | 'delegate' | 'head' | 'followup' | 'observer';

/** Every role, in the order the server lists them. */
export const ROLES: readonly Role[] = ['admin', 'rapporteur', 'delegate', 'head', 'followup', 'observer'];

/** What each role is called on screen. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Secretariat',
  rapporteur: 'Rapporteur',
  delegate: 'Delegate',
  head: 'Head of delegation',
  followup: 'Follow-up team',
  observer: 'Observer',
};

/** Roles that need the user to belong to a delegation. */
export const DELEGATION_ROLES: readonly Role[] = ['delegate', 'head', 'followup'];

export type Marking = 'all' | 'delegations' | 'heads';

/** A full account, as the secretariat sees it. */
export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  delegation?: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

/** What any signed-in user may know of another. */
export interface PublicUser {
  id: string;
  name: string;
  delegation?: string;
  roles: Role[];
}

export interface Me {
  user: User;
  clearance: Marking;
}

export interface SetupStatus {
  needed: boolean;
}

export interface SetupInput {
  secret: string;
  email: string;
  name: string;
  password: string;
}

export interface Delegation {
  code: string;
  name: string;
  agencies: string[];
}

export interface Topic {
  id: string;
  slug: string;
  title: string;
  description: string;
}

export type MeetingStatus = 'planned' | 'in-session' | 'closed';

export interface Meeting {
  id: string;
  title: string;
  host: string;
  city: string;
  venue: string;
  time_zone: string;
  start_date: string;
  end_date: string;
  status: MeetingStatus;
  delegations: string[];
  topics: string[];
}

export type SessionStatus = 'scheduled' | 'live' | 'ended';

export interface Session {
  id: string;
  meeting_id: string;
  title: string;
  start: string;
  end: string;
  room: string;
  chair?: string;
  rapporteurs: string[];
  topics: string[];
  status: SessionStatus;
  version: number;
}

/** Body of POST /meetings/{id}/sessions. */
export interface SessionInput {
  title: string;
  start: string;
  end: string;
  room: string;
  chair: string;
  rapporteurs: string[];
  topics: string[];
}

/** Body of PATCH /sessions/{id}: any subset, plus the version it was based on. */
export type SessionUpdate = Partial<SessionInput> & { version?: number };

/** Body of POST /users. */
export interface UserInput {
  email: string;
  name: string;
  roles: Role[];
  delegation: string;
  password: string;
}

/** Body of PATCH /users/{id}. */
export interface UserUpdate {
  name?: string;
  roles?: Role[];
  delegation?: string;
  disabled?: boolean;
  password?: string;
}

export type ErrorCode =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'internal'
  | 'too_large';

/** The body of every error answer: {"error": {...}}. */
export interface ErrorBody {
  error: {
    code: ErrorCode | string;
    message: string;
    field?: string;
    /** On a version conflict, the entity as it is now (when the server sends it). */
    current?: unknown;
  };
}

// ---- live notes (docs/live-protocol.md) ----

/** Marking, from the widest readership to the narrowest. */
export const MARKINGS: readonly Marking[] = ['all', 'delegations', 'heads'];

/** One entry of a session's live record. Append-only: a correction is a new note that amends an earlier one. */
export interface Note {
  id: string;
  session_id: string;
  meeting_id: string;
  /** 1, 2, 3 … per session, without gaps in the record (readers may see holes). */
  seq: number;
  client_id: string;
  /** User id of the writer. */
  author: string;
  text: string;
  marking: Marking;
  /** Seq of the earlier note this one corrects; absent when none. */
  amends?: number;
  /** Added by the secretariat after the session ended. */
  late?: boolean;
  created_at: string;
}

/** Body of POST /sessions/{id}/notes (and of a "post" on the live socket). */
export interface NoteInput {
  client_id: string;
  text: string;
  marking: Marking;
  amends?: number;
}

/** GET /sessions/{id}/notes?after=N: the notes the reader may read, and the record's last seq. */
export interface NotePage {
  notes: Note[];
  last_seq: number;
}
