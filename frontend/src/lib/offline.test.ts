import { describe, expect, it } from 'vitest';
import { appKeys, KEPT_AFTER_MS, keptAt, offlineLabel } from './offline';

describe('keptAt', () => {
  const now = Date.parse('2014-07-09T10:50:00Z');
  it('dates an answer kept from earlier', () => {
    expect(keptAt('Wed, 09 Jul 2014 10:42:00 GMT', now)).toBe(Date.parse('2014-07-09T10:42:00Z'));
  });
  it('says nothing of a fresh, undated or unreadable answer', () => {
    expect(keptAt(new Date(now - KEPT_AFTER_MS + 1000).toUTCString(), now)).toBeNull();
    expect(keptAt(null, now)).toBeNull();
    expect(keptAt('yesterday', now)).toBeNull();
  });
  it('dates every answer while offline, a recent one too', () => {
    const recent = new Date(now - 10_000);
    expect(keptAt(recent.toUTCString(), now, false)).toBe(Math.floor(recent.getTime() / 1000) * 1000);
    expect(keptAt(null, now, false)).toBeNull();
  });
});

describe('offlineLabel', () => {
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  it('names the time of what is shown', () => {
    expect(offlineLabel(Date.parse('2014-07-09T10:42:00Z'), false, hhmm)).toBe('Offline — showing what you had at 10:42');
  });
  it('is empty online with fresh data, and plain offline without a kept answer', () => {
    expect(offlineLabel(null, true, hhmm)).toBe('');
    expect(offlineLabel(null, false, hhmm)).toBe('Offline — showing what this page had');
  });
});

describe('appKeys', () => {
  it('are the app’s keys only', () => {
    expect(appKeys(['quintet.outbox.v1:u:s', 'quintet.seen', 'other'])).toEqual(['quintet.outbox.v1:u:s', 'quintet.seen']);
  });
});
