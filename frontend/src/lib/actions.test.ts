/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  changesOf,
  conflictMessage,
  dispatchFollowup,
  draftOf,
  filterQuery,
  fromOutcome,
  fromSession,
  historyLine,
  isPastDue,
  localToday,
  markingsFrom,
  mostRestricted,
  proposedTitle,
  type Action,
  type Outcome,
  type Revision,
} from './actions';
import { parseHash } from './routes';
import type { Session } from './types';

describe('filterQuery', () => {
  it('sends only the filters that are set', () => {
    expect(filterQuery({})).toBe('');
    expect(filterQuery({ owner: 'CA', status: ['open', 'in-progress'], overdue: true })).toBe(
      '?owner=CA&status=open%2Cin-progress&overdue=true',
    );
    expect(filterQuery({ status: [], overdue: false, due_before: '2015-06-30' })).toBe('?due_before=2015-06-30');
  });
});

describe('conflictMessage', () => {
  it('says who changed the action and when', () => {
    const err = new ApiError(409, 'stale_version', 'stale', 'version', {
      updated_by_name: 'Follow-up team, Canada',
      updated_at: '2015-03-02T14:02:00Z',
    });
    expect(conflictMessage(err, 'UTC')).toBe(
      'Updated by Follow-up team, Canada at 14:02 — review their change, then save again.',
    );
  });
  it('is undefined for other errors', () => {
    expect(conflictMessage(new ApiError(409, 'conflict', 'refused', 'status'))).toBeUndefined();
    expect(conflictMessage(new ApiError(409, 'duplicate', 'taken', 'email'))).toBeUndefined();
    expect(conflictMessage(new ApiError(400, 'invalid', 'bad', 'version'))).toBeUndefined();
    expect(conflictMessage(new Error('x'))).toBeUndefined();
  });
});

describe('dispatchFollowup', () => {
  it('hands actions and outcomes to their handlers and ignores the rest', () => {
    const seen: string[] = [];
    const on = { action: (a: { id: string }) => seen.push('action ' + a.id), outcome: (o: { id: string }) => seen.push('outcome ' + o.id) };
    dispatchFollowup({ type: 'action', action: { id: 'a1' } }, on);
    dispatchFollowup({ type: 'outcome', outcome: { id: 'o1' } }, on);
    dispatchFollowup({ type: 'session', session: { id: 's1' } }, on);
    dispatchFollowup({ type: 'action' }, on);
    expect(seen).toEqual(['action a1', 'outcome o1']);
  });

  it('hands a withdrawn outcome or action to its handler, with kind and id', () => {
    const seen: string[] = [];
    const on = { withdrawn: (kind: string, id: string) => seen.push(kind + ' ' + id) };
    dispatchFollowup({ type: 'withdrawn', kind: 'action', id: 'a1' }, on);
    dispatchFollowup({ type: 'withdrawn', kind: 'outcome', id: 'o1' }, on);
    dispatchFollowup({ type: 'withdrawn', kind: 'note', id: 'n1' }, on);
    dispatchFollowup({ type: 'withdrawn', kind: 'action' }, on);
    expect(seen).toEqual(['action a1', 'outcome o1']);
  });
});

describe('follow-up routes', () => {
  it('parses the board, my delegation, an action and a session record', () => {
    expect(parseHash('#/actions')).toEqual({ name: 'actions', mine: false, view: {} });
    expect(parseHash('#/actions/mine')).toEqual({ name: 'actions', mine: true, view: {} });
    expect(parseHash('#/actions/new')).toEqual({ name: 'actionNew' });
    expect(parseHash('#/actions/a%2F1')).toEqual({ name: 'action', id: 'a/1' });
    expect(parseHash('#/sessions/london-2014-d1-trends/record')).toEqual({ name: 'sessionRecord', id: 'london-2014-d1-trends' });
    expect(parseHash('#/sessions/x/other').name).toBe('notfound');
  });
});

describe('changesOf', () => {
  const a = {
    id: 'act-1', meeting_id: 'london-2014', title: 'Publish guidance', description: '', owner: 'CA', agency: 'RCMP',
    contact: '', due: '2015-06-30', status: 'open', progress: 0, topics: ['t1', 't2'], marking: 'all', reports: [],
    created_by: 'u1', created_at: '2014-07-10T10:00:00Z', updated_by: 'u1', updated_by_name: 'Fiona',
    updated_at: '2014-07-10T10:00:00Z', version: 3,
  } as unknown as Action;

  it('sends only the fields that changed, trimmed, with the version', () => {
    const d = { ...draftOf(a), owner: 'NZ', title: ' Publish guidance ', due: '2015-09-30' };
    expect(changesOf(a, d, 3)).toEqual({ version: 3, owner: 'NZ', due: '2015-09-30' });
  });

  it('sends topics only when the set changed, not their order', () => {
    expect(changesOf(a, { ...draftOf(a), topics: ['t2', 't1'] }, 3)).toEqual({ version: 3 });
    expect(changesOf(a, { ...draftOf(a), topics: ['t1'] }, 3)).toEqual({ version: 3, topics: ['t1'] });
  });

  it('sends a marking that changed', () => {
    expect(changesOf(a, { ...draftOf(a), marking: 'heads' }, 4)).toEqual({ version: 4, marking: 'heads' });
  });
});

describe('isPastDue and localToday', () => {
  it('holds a date before today as past, today and later not', () => {
    expect(isPastDue('2014-01-01', '2014-07-10')).toBe(true);
    expect(isPastDue('2014-07-10', '2014-07-10')).toBe(false);
    expect(isPastDue('2015-01-01', '2014-07-10')).toBe(false);
    expect(isPastDue('', '2014-07-10')).toBe(false);
  });

  it('reads today in the local calendar', () => {
    expect(localToday(new Date(2014, 6, 9, 23, 30))).toBe('2014-07-09');
  });
});

describe('historyLine', () => {
  const rev = (action: string, changes: { field: string; from: string; to: string }[]) =>
    ({ version: 2, action, by: 'u1', by_name: 'Sam Secretariat', at: '2014-07-11T09:05:00Z', changes }) as Revision;

  it('says a handover from one delegation to another, by whom and when', () => {
    const l = historyLine(rev('handed over', [
      { field: 'owner', from: 'CA', to: 'NZ' },
      { field: 'agency', from: 'RCMP', to: '' },
    ]), 'UTC');
    expect(l.headline).toBe('Handed from CA to NZ by Sam Secretariat on 11 Jul 2014, 09:05');
    expect(l.changes).toEqual(['Agency: RCMP → (none)']);
  });

  it('lists the fields of an edit in words', () => {
    const l = historyLine(rev('updated', [
      { field: 'due', from: '2015-06-30', to: '2015-09-30' },
      { field: 'status', from: 'open', to: 'in-progress' },
      { field: 'progress', from: '0', to: '40' },
      { field: 'description', from: 'old text', to: 'new text' },
    ]), 'UTC');
    expect(l.headline).toBe('Changed by Sam Secretariat on 11 Jul 2014, 09:05');
    expect(l.changes).toEqual([
      'Due date: 2015-06-30 → 2015-09-30',
      'Status: Open → In progress',
      'Progress: 0% → 40%',
      'Description rewritten',
    ]);
  });
});

describe('proposedTitle', () => {
  // The server's cases (internal/conference/action_test.go reads them too).
  const cases = JSON.parse(
    readFileSync(new URL('../../../internal/conference/testdata/proposed_titles.json', import.meta.url), 'utf8'),
  ) as { name: string; text: string; want: string }[];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(proposedTitle(c.text)).toBe(c.want);
  });
});

describe('what a new action comes from', () => {
  const session = { id: 's1', meeting_id: 'london-2014', title: 'Training judges', topics: ['t1'] } as Session;
  const outcome = {
    id: 'o1',
    meeting_id: 'london-2014',
    session_id: 's1',
    kind: 'recommendation',
    marking: 'heads',
    text: 'Train judges by 2015. Report back.',
  } as Outcome;

  it('draws an action from an outcome: its lineage, its floor, the first sentence as title, the session topics', () => {
    expect(fromOutcome(outcome, session)).toEqual({
      what: 'a recommendation of the session “Training judges”',
      quote: 'Train judges by 2015. Report back.',
      meeting_id: 'london-2014',
      session_id: 's1',
      outcome_id: 'o1',
      floor: 'heads',
      title: 'Train judges by 2015.',
      topics: ['t1'],
    });
    expect(fromOutcome({ ...outcome, kind: 'finding' }, session).what).toBe('a finding of the session “Training judges”');
  });

  it('offers no marking below the floor', () => {
    expect(markingsFrom('all')).toEqual(['all', 'delegations', 'heads']);
    expect(markingsFrom('delegations')).toEqual(['delegations', 'heads']);
    expect(markingsFrom('heads')).toEqual(['heads']);
    expect(mostRestricted('delegations', 'all')).toBe('delegations');
    expect(mostRestricted('delegations', 'heads')).toBe('heads');
  });

  it('draws one from a session without an outcome', () => {
    expect(fromSession(session)).toMatchObject({ what: 'the session “Training judges”', session_id: 's1', floor: 'all', title: '', topics: ['t1'] });
  });
});
