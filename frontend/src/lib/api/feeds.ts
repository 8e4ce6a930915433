// The calendar feeds: a delegation's action due dates, and one's own agenda
// subscription — secret URLs a calendar application reads without a login.
import type { AgendaFeed, CalendarFeed } from '../types';
import { enc, request } from './client';

/** Issues the delegation's feed URL; any earlier one stops working. */
export const issueCalendarFeed = (code: string) => request<CalendarFeed>('POST', `/delegations/${enc(code)}/calendar`);

/** Revokes the delegation's feed. */
export const revokeCalendarFeed = (code: string) => request<void>('DELETE', `/delegations/${enc(code)}/calendar`);

/** Issues the signed-in account's agenda subscription URL; any earlier one stops working. */
export const issueAgendaFeed = () => request<AgendaFeed>('POST', '/me/agenda-feed');

/** Revokes the signed-in account's agenda subscription. */
export const revokeAgendaFeed = () => request<void>('DELETE', '/me/agenda-feed');
