import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { conflictMessage, dispatchFollowup, filterQuery } from './actions';
import { parseHash } from './routes';

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
    expect(parseHash('#/actions')).toEqual({ name: 'actions', mine: false });
    expect(parseHash('#/actions/mine')).toEqual({ name: 'actions', mine: true });
    expect(parseHash('#/actions/a%2F1')).toEqual({ name: 'action', id: 'a/1' });
    expect(parseHash('#/sessions/london-2014-d1-trends/record')).toEqual({ name: 'sessionRecord', id: 'london-2014-d1-trends' });
    expect(parseHash('#/sessions/x/other').name).toBe('notfound');
  });
});
