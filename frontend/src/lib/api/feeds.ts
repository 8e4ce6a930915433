// A delegation's calendar feed of action due dates: a secret URL a calendar
// application reads without a login.
import type { CalendarFeed } from '../types';
import { enc, request } from './client';

/** Issues the delegation's feed URL; any earlier one stops working. */
export const issueCalendarFeed = (code: string) => request<CalendarFeed>('POST', `/delegations/${enc(code)}/calendar`);

/** Revokes the delegation's feed. */
export const revokeCalendarFeed = (code: string) => request<void>('DELETE', `/delegations/${enc(code)}/calendar`);
