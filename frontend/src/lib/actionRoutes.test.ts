import { describe, expect, it } from 'vitest';
import { filterQuery } from './actions';
import { actionsHref, boardFilter, isFiltered, listFilter, newActionHref, parseActionsRoute, viewFrom, type BoardView } from './actionRoutes';
import { parseHash } from './routes';

const q = (s: string) => new URLSearchParams(s);

describe('viewFrom', () => {
  it('reads every filter and the sort', () => {
    expect(viewFrom(q('meeting=london-2014&topic=t1&owner=nz&status=blocked&due=overdue&sort=-reported'))).toEqual({
      meeting: 'london-2014',
      topic: 't1',
      owner: 'NZ',
      status: 'blocked',
      due: 'overdue',
      sort: '-reported',
    });
  });

  it('drops values the board does not offer, and empty ones', () => {
    expect(viewFrom(q('status=finished&due=someday&sort=title&meeting=&topic=%20'))).toEqual({});
  });
});

describe('actionsHref', () => {
  it('is the bare board without a view', () => {
    expect(actionsHref()).toBe('#/actions');
    expect(actionsHref({}, true)).toBe('#/actions/mine');
  });

  it('writes the keys in one order, whatever order the view has', () => {
    const a: BoardView = { sort: 'progress', topic: 't1', meeting: 'm1' };
    const b: BoardView = { meeting: 'm1', topic: 't1', sort: 'progress' };
    expect(actionsHref(a)).toBe('#/actions?meeting=m1&topic=t1&sort=progress');
    expect(actionsHref(b)).toBe(actionsHref(a));
  });

  it('leaves out the default sort', () => {
    expect(actionsHref({ topic: 't1', sort: 'due' })).toBe('#/actions?topic=t1');
  });

  it('round-trips through the router: what the URL holds is the view again', () => {
    const views: BoardView[] = [
      {},
      { topic: 'building-international-capability' },
      { meeting: 'ottawa-2015', owner: 'CA', status: 'in-progress', due: 'due_soon', sort: '-progress' },
      { topic: 'a b&c', sort: 'reported' },
    ];
    for (const v of views) {
      for (const mine of [false, true]) {
        const r = parseHash(actionsHref(v, mine));
        expect(r).toEqual({ name: 'actions', mine, view: v });
      }
    }
  });
});

describe('parseActionsRoute', () => {
  it('tells the board, a new action and an action apart', () => {
    expect(parseActionsRoute(['actions', 'new'], q(''))).toEqual({ name: 'actionNew' });
    expect(parseActionsRoute(['actions', 'act-1'], q(''))).toEqual({ name: 'action', id: 'act-1' });
    expect(parseActionsRoute(['actions', 'mine'], q('due=overdue'))).toEqual({
      name: 'actions',
      mine: true,
      view: { due: 'overdue' },
    });
    expect(parseActionsRoute(['actions', 'a', 'b'], q(''))).toBeNull();
    expect(parseActionsRoute(['register'], q(''))).toBeNull();
  });

  it('reads what a new action comes from, the narrowest origin first, and writes it back', () => {
    expect(parseActionsRoute(['actions', 'new'], q('outcome=o-1&session=s-1'))).toEqual({
      name: 'actionNew',
      from: { kind: 'outcome', id: 'o-1' },
    });
    expect(parseActionsRoute(['actions', 'new'], q('meeting=london-2014'))).toEqual({
      name: 'actionNew',
      from: { kind: 'meeting', id: 'london-2014' },
    });
    expect(parseActionsRoute(['actions', 'new'], q('session=%20&topic=t1'))).toEqual({ name: 'actionNew' });
    expect(newActionHref({ kind: 'session', id: 's 1' })).toBe('#/actions/new?session=s%201');
    expect(newActionHref()).toBe('#/actions/new');
    const back = newActionHref({ kind: 'outcome', id: 'o-1' });
    expect(parseHash(back)).toEqual({ name: 'actionNew', from: { kind: 'outcome', id: 'o-1' } });
  });
});

describe('listFilter and boardFilter', () => {
  const view: BoardView = { meeting: 'm1', topic: 't1', owner: 'CA', status: 'open', due: 'due_soon', sort: '-due' };

  it('sends every filter and the sort to the list', () => {
    expect(filterQuery(listFilter(view))).toBe('?meeting=m1&topic=t1&owner=CA&status=open&due_soon=true&sort=-due');
    expect(filterQuery(listFilter({ due: 'overdue', sort: 'due' }))).toBe('?overdue=true');
  });

  it('puts my delegation before the owner a link names', () => {
    expect(listFilter({ owner: 'CA' }, 'NZ').owner).toBe('NZ');
    expect(boardFilter({ owner: 'CA' }, 'NZ').owner).toBe('NZ');
  });

  it('narrows the counts only by where the actions come from and whose they are', () => {
    expect(filterQuery(boardFilter(view))).toBe('?meeting=m1&topic=t1&owner=CA');
  });

  it('counts a view as filtered by its filters, not by its sort', () => {
    expect(isFiltered({ sort: 'progress' })).toBe(false);
    expect(isFiltered({ due: 'overdue' })).toBe(true);
  });
});
