// Sign-in, first setup and accounts.
import type { Me, PublicUser, SetupInput, SetupStatus, User, UserImport, UserInput, UserUpdate } from '../types';
import { enc, list, request } from './client';

export const login = (email: string, password: string) =>
  request<Me>('POST', '/login', { email, password }, { quiet401: true });
export const logout = () => request<void>('POST', '/logout', undefined, { quiet401: true });
export const me = () => request<Me>('GET', '/me', undefined, { quiet401: true });
export const setupStatus = () => request<SetupStatus>('GET', '/setup', undefined, { quiet401: true });
export const setup = (input: SetupInput) => request<User>('POST', '/setup', input, { quiet401: true });

/** Names, delegations and roles of everyone: enough to name chairs and rapporteurs. */
export const listUsers = (signal?: AbortSignal) => list<PublicUser>('/users', { signal }).then((p) => p.items);
/** Full accounts: only for the secretariat. */
export const listAccounts = (signal?: AbortSignal) => list<User>('/users', { signal }).then((p) => p.items);
export const createUser = (input: UserInput) => request<User>('POST', '/users', input, { idempotent: true });
export const updateUser = (id: string, update: UserUpdate) => request<User>('PATCH', `/users/${enc(id)}`, update);

/** A one-time set-password link, as the server answers it once. */
export interface ResetLink {
  user_id: string;
  email: string;
  token: string;
  expires_at: string;
  path: string;
}

export const getUser = (id: string) => request<User>('GET', `/users/${enc(id)}`);
/** Changes one's own password; every other login of the account ends. */
export const changePassword = (current_password: string, password: string) =>
  request<void>('POST', '/me/password', { current_password, password });
export const issueResetLink = (id: string) => request<ResetLink>('POST', `/users/${enc(id)}/reset-link`);
export const setPasswordWithLink = (token: string, password: string) =>
  request<{ email: string }>('POST', '/set-password', { token, password }, { quiet401: true });

/**
 * Imports accounts from a CSV file (header name,email,roles,delegation),
 * sent as it is: all or none. Each account comes with its one-time
 * set-password link, in this answer only; a retry the client makes after a
 * lost answer is a replay, whose links are null.
 */
export const importUsers = (csv: string) =>
  request<UserImport>('POST', '/users/import', csv, { contentType: 'text/csv', idempotent: true });
