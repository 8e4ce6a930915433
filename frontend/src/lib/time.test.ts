import { describe, expect, it } from 'vitest';
import {
  LocalTimeError,
  daysBetween,
  describeSessionTimes,
  formatDateRange,
  formatDay,
  formatUtcOffset,
  utcOffsetOn,
  groupSessionsByDay,
  wallClock,
  zoneCity,
  zoneOffsetMs,
  zonedToUtc,
} from './time';

describe('zonedToUtc', () => {
  it.each([
    // London 2014: British Summer Time, UTC+1.
    ['2014-07-10', '09:30', 'Europe/London', '2014-07-10T08:30:00Z'],
    // London in winter: GMT, UTC+0.
    ['2014-01-15', '09:30', 'Europe/London', '2014-01-15T09:30:00Z'],
    // Sydney in July: AEST, UTC+10, the previous UTC day.
    ['2014-07-10', '09:00', 'Australia/Sydney', '2014-07-09T23:00:00Z'],
    // Sydney in January: AEDT, UTC+11.
    ['2015-01-10', '09:00', 'Australia/Sydney', '2015-01-09T22:00:00Z'],
    // Ottawa in July: EDT, UTC-4; in December EST, UTC-5.
    ['2014-07-10', '17:00', 'America/Toronto', '2014-07-10T21:00:00Z'],
    ['2014-12-10', '17:00', 'America/Toronto', '2014-12-10T22:00:00Z'],
    // Wellington in July: NZST, UTC+12; in January NZDT, UTC+13.
    ['2014-07-10', '08:00', 'Pacific/Auckland', '2014-07-09T20:00:00Z'],
    ['2015-01-10', '08:00', 'Pacific/Auckland', '2015-01-09T19:00:00Z'],
    ['2014-07-10', '00:00', 'UTC', '2014-07-10T00:00:00Z'],
    ['2014-07-10', '23:59', 'Europe/London', '2014-07-10T22:59:00Z'],
    ['2014-07-10', '00:00', 'Europe/London', '2014-07-09T23:00:00Z'],
  ])('%s %s in %s is %s', (date, time, zone, want) => {
    expect(zonedToUtc(date, time, zone)).toBe(want);
  });

  it('handles the days the clocks change in London', () => {
    // Spring forward: 30 March 2014, 01:00 GMT becomes 02:00 BST.
    expect(zonedToUtc('2014-03-30', '00:30', 'Europe/London')).toBe('2014-03-30T00:30:00Z');
    expect(zonedToUtc('2014-03-30', '02:00', 'Europe/London')).toBe('2014-03-30T01:00:00Z');
    expect(zonedToUtc('2014-03-30', '09:00', 'Europe/London')).toBe('2014-03-30T08:00:00Z');
    // Fall back: 26 October 2014, 02:00 BST becomes 01:00 GMT.
    expect(zonedToUtc('2014-10-26', '00:30', 'Europe/London')).toBe('2014-10-25T23:30:00Z');
    expect(zonedToUtc('2014-10-26', '09:00', 'Europe/London')).toBe('2014-10-26T09:00:00Z');
    expect(zonedToUtc('2014-10-26', '02:00', 'Europe/London')).toBe('2014-10-26T02:00:00Z');
  });

  it('takes the first of a time that happens twice', () => {
    // 01:30 on 26 October 2014 happens at 00:30Z (BST) and again at 01:30Z (GMT).
    expect(zonedToUtc('2014-10-26', '01:30', 'Europe/London')).toBe('2014-10-26T00:30:00Z');
    // Sydney goes back at 03:00 AEDT on 6 April 2014: 02:30 happens twice.
    expect(zonedToUtc('2014-04-06', '02:30', 'Australia/Sydney')).toBe('2014-04-05T15:30:00Z');
  });

  it('refuses a time that does not exist', () => {
    expect(() => zonedToUtc('2014-03-30', '01:30', 'Europe/London')).toThrow(LocalTimeError);
    // Washington springs forward on 9 March 2014 at 02:00.
    expect(() => zonedToUtc('2014-03-09', '02:15', 'America/New_York')).toThrow(/does not exist/);
  });

  it('refuses input that is not a date, a time or a zone', () => {
    expect(() => zonedToUtc('2014-02-30', '09:00', 'Europe/London')).toThrow(LocalTimeError);
    expect(() => zonedToUtc('10/07/2014', '09:00', 'Europe/London')).toThrow(LocalTimeError);
    expect(() => zonedToUtc('2014-07-10', '24:00', 'Europe/London')).toThrow(LocalTimeError);
    expect(() => zonedToUtc('2014-07-10', '9:30', 'Europe/London')).toThrow(LocalTimeError);
    expect(() => zonedToUtc('2014-07-10', '09:30', 'Mars/Olympus_Mons')).toThrow(LocalTimeError);
  });

  it('round-trips with wallClock at every half hour of a year with two changes', () => {
    const zone = 'Europe/London';
    for (let t = Date.UTC(2014, 0, 1); t < Date.UTC(2015, 0, 1); t += 30 * 60_000) {
      const wc = wallClock(t, zone);
      const back = Date.parse(zonedToUtc(wc.date, wc.time, zone));
      // A repeated hour maps to its first occurrence.
      expect(t - back === 0 || t - back === 3_600_000).toBe(true);
    }
  });
});

describe('wallClock and zoneOffsetMs', () => {
  it('reads London in July as UTC+1', () => {
    expect(zoneOffsetMs(Date.parse('2014-07-10T08:30:00Z'), 'Europe/London')).toBe(3_600_000);
    expect(wallClock('2014-07-10T08:30:00Z', 'Europe/London')).toEqual({ date: '2014-07-10', time: '09:30' });
  });
  it('reads London in January as UTC+0', () => {
    expect(zoneOffsetMs(Date.parse('2014-01-10T08:30:00Z'), 'Europe/London')).toBe(0);
  });
  it('reads midnight as 00:00', () => {
    expect(wallClock('2014-07-09T23:00:00Z', 'Europe/London')).toEqual({ date: '2014-07-10', time: '00:00' });
  });
  it('reads negative offsets', () => {
    expect(zoneOffsetMs(Date.parse('2014-07-10T12:00:00Z'), 'America/Toronto')).toBe(-4 * 3_600_000);
    expect(zoneOffsetMs(Date.parse('2014-07-10T12:00:00.750Z'), 'America/Toronto')).toBe(-4 * 3_600_000);
  });
});

describe('groupSessionsByDay', () => {
  const s = (title: string, start: string, end: string) => ({ title, start, end });

  it('groups by the day in the meeting time zone, not in UTC', () => {
    const sessions = [
      s('Dinner', '2014-07-10T18:00:00Z', '2014-07-10T20:00:00Z'),
      // 23:30Z on the 9th is 00:30 on the 10th in London.
      s('Late', '2014-07-09T23:30:00Z', '2014-07-10T00:30:00Z'),
      s('Opening', '2014-07-09T08:30:00Z', '2014-07-09T09:30:00Z'),
      s('Cyberbullying', '2014-07-10T08:30:00Z', '2014-07-10T10:00:00Z'),
    ];
    const groups = groupSessionsByDay(sessions, 'Europe/London');
    expect(groups.map((g) => g.date)).toEqual(['2014-07-09', '2014-07-10']);
    expect(groups[0]!.sessions.map((x) => x.title)).toEqual(['Opening']);
    expect(groups[1]!.sessions.map((x) => x.title)).toEqual(['Late', 'Cyberbullying', 'Dinner']);
  });

  it('puts the same instants on other days in another zone', () => {
    const sessions = [s('Late', '2014-07-09T23:30:00Z', '2014-07-10T00:30:00Z')];
    expect(groupSessionsByDay(sessions, 'UTC')[0]!.date).toBe('2014-07-09');
    expect(groupSessionsByDay(sessions, 'Europe/London')[0]!.date).toBe('2014-07-10');
  });

  it('keeps every meeting day, with or without sessions, in order', () => {
    const sessions = [s('Close', '2014-07-11T14:00:00Z', '2014-07-11T15:00:00Z')];
    const groups = groupSessionsByDay(sessions, 'Europe/London', daysBetween('2014-07-09', '2014-07-11'));
    expect(groups.map((g) => [g.date, g.sessions.length])).toEqual([
      ['2014-07-09', 0],
      ['2014-07-10', 0],
      ['2014-07-11', 1],
    ]);
  });

  it('orders sessions by start, then end, then title', () => {
    const sessions = [
      s('B', '2014-07-10T08:30:00Z', '2014-07-10T10:00:00Z'),
      s('C', '2014-07-10T08:30:00Z', '2014-07-10T09:00:00Z'),
      s('A', '2014-07-10T08:30:00Z', '2014-07-10T10:00:00Z'),
    ];
    expect(groupSessionsByDay(sessions, 'Europe/London')[0]!.sessions.map((x) => x.title)).toEqual(['C', 'A', 'B']);
  });

  it('does not reorder its input', () => {
    const sessions = [
      s('B', '2014-07-10T10:30:00Z', '2014-07-10T11:00:00Z'),
      s('A', '2014-07-10T08:30:00Z', '2014-07-10T09:00:00Z'),
    ];
    groupSessionsByDay(sessions, 'Europe/London');
    expect(sessions.map((x) => x.title)).toEqual(['B', 'A']);
  });
});

describe('daysBetween', () => {
  it('lists the days inclusive, across a month end', () => {
    expect(daysBetween('2014-07-09', '2014-07-11')).toEqual(['2014-07-09', '2014-07-10', '2014-07-11']);
    expect(daysBetween('2016-02-28', '2016-03-01')).toEqual(['2016-02-28', '2016-02-29', '2016-03-01']);
    expect(daysBetween('2014-07-09', '2014-07-09')).toEqual(['2014-07-09']);
    expect(daysBetween('2014-07-11', '2014-07-09')).toEqual([]);
  });
});

describe('formatting', () => {
  it('spells days out', () => {
    expect(formatDay('2014-07-09')).toBe('Wednesday 9 July 2014');
    expect(formatDay('2014-07-10')).toBe('Thursday 10 July 2014');
  });
  it('writes date ranges compactly', () => {
    expect(formatDateRange('2014-07-09', '2014-07-11')).toBe('9–11 July 2014');
    expect(formatDateRange('2014-06-30', '2014-07-02')).toBe('30 June – 2 July 2014');
    expect(formatDateRange('2014-12-30', '2015-01-02')).toBe('30 December 2014 – 2 January 2015');
    expect(formatDateRange('2014-07-09', '2014-07-09')).toBe('9 July 2014');
  });
  it('names a zone by its city', () => {
    expect(zoneCity('Europe/London')).toBe('London');
    expect(zoneCity('America/New_York')).toBe('New York');
    expect(zoneCity('UTC')).toBe('UTC');
  });
});

describe('describeSessionTimes', () => {
  const start = '2014-07-10T08:30:00Z';
  const end = '2014-07-10T10:00:00Z';

  it('adds the viewer’s time when it differs', () => {
    expect(describeSessionTimes(start, end, 'Europe/London', 'London', 'Australia/Sydney')).toEqual({
      meeting: '09:30–11:00 London',
      viewer: '18:30–20:00 your time (Australia/Sydney)',
    });
  });

  it('names the viewer’s day when it is another day', () => {
    expect(
      describeSessionTimes('2014-07-10T15:00:00Z', '2014-07-10T16:00:00Z', 'Europe/London', 'London', 'Australia/Sydney'),
    ).toEqual({
      meeting: '16:00–17:00 London',
      viewer: '01:00–02:00 on Fri 11 Jul your time (Australia/Sydney)',
    });
    expect(describeSessionTimes(start, end, 'Europe/London', 'London', 'America/Vancouver').viewer).toBe(
      '01:30–03:00 your time (America/Vancouver)',
    );
  });

  it('leaves the viewer’s time out when the clocks read the same', () => {
    expect(describeSessionTimes(start, end, 'Europe/London', 'London', 'Europe/London')).toEqual({
      meeting: '09:30–11:00 London',
    });
    // Dublin keeps the same clock as London in July.
    expect(describeSessionTimes(start, end, 'Europe/London', 'London', 'Europe/Dublin').viewer).toBeUndefined();
  });

  it('falls back on the zone’s city without a place', () => {
    expect(describeSessionTimes(start, end, 'Europe/London', '', 'Europe/London').meeting).toBe('09:30–11:00 London');
  });
});

describe('UTC offsets', () => {
  it('writes offsets as people read them', () => {
    expect(formatUtcOffset(0)).toBe('UTC');
    expect(formatUtcOffset(3_600_000)).toBe('UTC+1');
    expect(formatUtcOffset(-4 * 3_600_000)).toBe('UTC−4');
    expect(formatUtcOffset(5.5 * 3_600_000)).toBe('UTC+5:30');
  });
  it('reads the offset in force on a day', () => {
    expect(utcOffsetOn('2014-07-09', 'Europe/London')).toBe('UTC+1');
    expect(utcOffsetOn('2014-12-09', 'Europe/London')).toBe('UTC');
    expect(utcOffsetOn('2014-07-09', 'Australia/Sydney')).toBe('UTC+10');
    expect(utcOffsetOn('2014-07-09', 'America/Toronto')).toBe('UTC−4');
  });
});
