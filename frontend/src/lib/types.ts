// Types of the HTTP API. Every entity and body comes from api/schema.d.ts,
// generated from the server's OpenAPI document (npm run gen:api, run by build, check and test:unit; not checked in), so they
// cannot drift from it: a field the server always sends is required there.
// Times are RFC 3339 strings in UTC; calendar dates are YYYY-MM-DD strings.
import type { components } from './api/schema';

export type Schemas = components['schemas'];

export type Role = Schemas['User']['roles'][number];

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
/** What the account forms say when one of these roles has no delegation. */
export const DELEGATION_NEEDED = 'Delegates, heads and follow-up teams need a delegation.';

export type Marking = Schemas['Note']['marking'];

/** A full account, as the secretariat sees it. */
export type User = Schemas['User'];

/** What any signed-in user may know of another: a User without the account's fields. */
export type PublicUser = Pick<User, 'id' | 'name' | 'delegation' | 'roles'>;

/** The signed-in user; the server always sends the user here. */
export type Me = Schemas['Me'] & { user: User };

export type SetupStatus = Schemas['SetupState'];
export type SetupInput = Schemas['setupRequest'];
export type Delegation = Schemas['Delegation'];
export type Topic = Schemas['Topic'];
export type TopicInput = Schemas['TopicInput'];

export type Meeting = Schemas['Meeting'];
export type RecordVersion = Schemas['RecordVersion'];
/** A delegation's calendar feed; its path holds the secret and is shown once. */
export type CalendarFeed = Schemas['CalendarFeed'];
/** One's agenda subscription; its path holds the secret and is shown once. */
export type AgendaFeed = Schemas['AgendaFeed'];
export type MeetingStatus = Meeting['status'];
/** What the secretariat gives to create a meeting: status, history and version are the server's. */
export type MeetingInput = Pick<Meeting, 'title' | 'host' | 'city' | 'venue' | 'time_zone' | 'start_date' | 'end_date' | 'delegations' | 'topics'> & { id?: string };
export type StatusChange = Schemas['StatusChange'];

export type Session = Schemas['Session'];
export type SessionStatus = Session['status'];

/** Body of POST /meetings/{id}/sessions. */
export type SessionInput = Schemas['SessionInput'];

/** Body of PATCH /sessions/{id}: any subset, plus the version it was based on. */
export type SessionUpdate = Schemas['SessionUpdate'];

/** Body of POST /users. */
export type UserInput = Schemas['UserInput'];
/** The accounts an import opened, each with its one-time link (null in a replay). */
export type UserImport = Schemas['UserImportReply'];
export type ImportedAccount = Schemas['ImportedAccountReply'];

/** Body of PATCH /users/{id}. */
export type UserUpdate = Schemas['UserUpdate'];

/** The body of every error answer: RFC 9457 problem details (application/problem+json). */
export type Problem = Schemas['Problem'];

// ---- live notes (docs/live-protocol.md) ----

/** Marking, from the widest readership to the narrowest. */
export const MARKINGS: readonly Marking[] = ['all', 'delegations', 'heads'];

/** One entry of a session's live record. Append-only: a correction is a new note that amends an earlier one. */
export type Note = Schemas['Note'];

/** Body of POST /sessions/{id}/notes (and of a "post" on the live socket). */
export type NoteInput = Schemas['NoteInput'];

/** GET /sessions/{id}/notes?after=N: the notes the reader may read, and the record's last seq. */
export type NotePage = Schemas['NotePage'];

/** A topic followed across the meetings (GET /topics/{id}/lineage). */
export type Lineage = Schemas['Lineage'];
