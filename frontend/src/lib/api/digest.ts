// "What needs you": the reader's digest, and their e-mail reminder setting.
import type { Schemas, User } from '../types';
import type { Action } from '../actions';
import { request } from './client';

/** One action of the digest; the server always sends the action. */
export type DigestItem = Schemas['DigestItem'] & { action: Action };
export type Digest = Omit<Schemas['Digest'], 'actions'> & { actions: DigestItem[] };

export const myDigest = (signal?: AbortSignal) => request<Digest>('GET', '/me/digest', undefined, { signal });
/** Turns the signed-in user's reminders on or off, on the account version they read. */
export const setReminders = (reminders: boolean, version: number) =>
  request<User>('PATCH', '/me/reminders', { reminders }, { ifMatch: version });
