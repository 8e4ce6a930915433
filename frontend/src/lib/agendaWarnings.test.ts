import { describe, expect, it } from 'vitest';
import { clashes, outsideDates } from './agendaWarnings';
import type { Session } from './types';

const session = (id: string, start: string, end: string, room: string): Session => ({
  id,
  meeting_id: 'm1',
  title: `Session ${id}`,
  start,
  end,
  room,
  rapporteurs: [],
  topics: [],
  status: 'scheduled',
  version: 1,
});

const agenda = [
  session('a', '2014-07-10T09:00:00Z', '2014-07-10T10:00:00Z', 'Room 2'),
  session('b', '2014-07-10T10:00:00Z', '2014-07-10T11:00:00Z', 'Room 2'),
  session('c', '2014-07-10T09:30:00Z', '2014-07-10T10:30:00Z', 'Lancaster Room'),
];

describe('clashes', () => {
  it('finds the sessions sharing the room for part of the time', () => {
    expect(clashes({ start: '2014-07-10T09:45:00Z', end: '2014-07-10T10:15:00Z', room: ' room  2 ' }, agenda).map((s) => s.id)).toEqual(['a', 'b']);
    expect(clashes({ start: '2014-07-10T09:45:00Z', end: '2014-07-10T10:15:00Z', room: 'Lancaster Room' }, agenda).map((s) => s.id)).toEqual(['c']);
  });
  it('lets sessions follow each other, and a session not clash with itself', () => {
    expect(clashes({ start: '2014-07-10T11:00:00Z', end: '2014-07-10T12:00:00Z', room: 'Room 2' }, agenda)).toEqual([]);
    expect(clashes({ id: 'a', start: '2014-07-10T09:00:00Z', end: '2014-07-10T10:00:00Z', room: 'Room 2' }, agenda)).toEqual([]);
  });
  it('says nothing without a room or valid times', () => {
    expect(clashes({ start: '2014-07-10T09:00:00Z', end: '2014-07-10T10:00:00Z', room: ' ' }, [session('x', '2014-07-10T09:00:00Z', '2014-07-10T10:00:00Z', '')])).toEqual([]);
    expect(clashes({ start: '', end: '2014-07-10T10:00:00Z', room: 'Room 2' }, agenda)).toEqual([]);
    expect(clashes({ start: '2014-07-10T10:00:00Z', end: '2014-07-10T09:00:00Z', room: 'Room 2' }, agenda)).toEqual([]);
  });
});

describe('outsideDates', () => {
  const meeting = { start_date: '2014-07-09', end_date: '2014-07-11' };
  it('is true before the first day or past the last', () => {
    expect(outsideDates('2014-07-08', '2014-07-08', meeting)).toBe(true);
    expect(outsideDates('2014-07-11', '2014-07-12', meeting)).toBe(true);
    expect(outsideDates('2014-07-09', '2014-07-11', meeting)).toBe(false);
  });
});
