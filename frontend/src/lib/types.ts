// Types of the HTTP API. Entities come from api/schema.d.ts, generated from
// the server's OpenAPI document (npm run gen:api), so they cannot drift from
// it. That document marks no field required, so each alias says which fields
// the server always sends. Times are RFC 3339 strings in UTC; calendar dates
// are YYYY-MM-DD strings.
import type { components } from './api/schema';

type Schemas = components['schemas'];
/** A generated schema with every field present except the ones named. */
type Sent<T, Optional extends keyof T = never> = Required<Omit<T, Optional>> & Pick<T, Optional>;

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


export type Meeting = Sent<Schemas['Meeting']>;

export type SessionStatus = 'scheduled' | 'live' | 'ended';


export type Session = Sent<Schemas['Session'], 'chair'>;

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
export type Note = Sent<Schemas['Note'], 'amends' | 'late'>;

/** Body of POST /sessions/{id}/notes (and of a "post" on the live socket). */
export interface NoteInput {
  client_id: string;
  text: string;
  marking: Marking;
  amends?: number;
}

/** GET /sessions/{id}/notes?after=N: the notes the reader may read, and the record's last seq. */
export type NotePage = Omit<Sent<Schemas['NotePage']>, 'notes'> & { notes: Note[] };
