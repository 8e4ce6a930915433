import { describe, expect, it } from 'vitest';
import { changes, createInput, emptyDraft, latest, meetingId, nextDraft, nextYear, offeredTopics } from './meetingForm';
import type { Meeting, Topic } from './types';

const london: Meeting = {
  id: 'london-2014',
  title: 'Quintet of Attorneys General, London 2014',
  host: 'GB',
  city: 'London',
  venue: 'Lancaster House',
  time_zone: 'Europe/London',
  start_date: '2014-03-10',
  end_date: '2014-03-12',
  status: 'closed',
  delegations: ['AU', 'CA', 'GB', 'NZ', 'US', 'OBS'],
  topics: ['t1', 't2', 't3'],
  history: [],
  version: 4,
} as Meeting;

const topic = (id: string, retired = false) => ({ id, slug: id, title: id, description: '', retired, version: 1 }) as Topic;

describe('nextDraft', () => {
  it('starts from the last meeting: its delegations, its topics, a year on', () => {
    const d = nextDraft(london, [topic('t1'), topic('t2'), topic('t3')]);
    expect(d.delegations).toEqual(london.delegations);
    expect(d.topics).toEqual(['t1', 't2', 't3']);
    expect(d.start_date).toBe('2015-03-10');
    expect(d.end_date).toBe('2015-03-12');
    expect(d.title).toBe('Quintet of Attorneys General, London 2015');
    expect(d.city).toBe('London');
  });

  it('does not propose a retired topic', () => {
    expect(nextDraft(london, [topic('t1'), topic('t2', true)]).topics).toEqual(['t1', 't3']);
  });

  it('does not share its lists with the meeting', () => {
    const d = nextDraft(london, []);
    d.delegations.push('XX');
    expect(london.delegations).not.toContain('XX');
  });
});

describe('nextYear', () => {
  it.each([
    ['2014-03-10', '2015-03-10'],
    ['2016-02-29', '2017-02-28'],
    ['2015-02-28', '2016-02-28'],
    ['not a date', ''],
  ])('%s → %s', (from, want) => expect(nextYear(from)).toBe(want));
});

describe('meetingId', () => {
  it('is the city and the year', () => {
    expect(meetingId({ city: 'Ottawa', start_date: '2015-06-01' })).toBe('ottawa-2015');
    expect(meetingId({ city: ' São Paulo ', start_date: '2016-01-01' })).toBe('sao-paulo-2016');
    expect(meetingId({ city: '', start_date: '' })).toBe('');
  });

  it('lets the server make one when the form gives nothing to make it from', () => {
    expect(createInput(emptyDraft()).id).toBeUndefined();
    expect(createInput({ ...emptyDraft(), city: 'Wellington', start_date: '2016-05-02' }).id).toBe('wellington-2016');
  });
});

describe('emptyDraft', () => {
  it('invites the five that exist', () => {
    expect(emptyDraft(['AU', 'CA', 'GB', 'NZ', 'US', 'OBS']).delegations).toEqual(['AU', 'CA', 'GB', 'NZ', 'US']);
    expect(emptyDraft(['AU', 'GB']).delegations).toEqual(['AU', 'GB']);
  });
});

describe('changes', () => {
  it('sends only what changed, trimmed', () => {
    const d = { ...nextDraft(london, []), title: london.title, start_date: london.start_date, end_date: london.end_date };
    expect(changes(london, d)).toEqual({});
    expect(changes(london, { ...d, topics: london.topics, city: ' Leeds ' })).toEqual({ city: 'Leeds' });
  });
});

describe('latest', () => {
  it('is the one that starts last', () => {
    const later = { ...london, id: 'b', start_date: '2015-01-01' };
    expect(latest([london, later])?.id).toBe('b');
    expect(latest([])).toBeUndefined();
  });
});

describe('offeredTopics', () => {
  it('leaves out retired topics, but keeps those a session already has', () => {
    const ts = [topic('a'), topic('b', true), topic('c', true)];
    expect(offeredTopics(ts).map((t) => t.id)).toEqual(['a']);
    expect(offeredTopics(ts, ['c']).map((t) => t.id)).toEqual(['a', 'c']);
  });
});
