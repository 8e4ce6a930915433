import { describe, expect, it } from 'vitest';
import { href, hrefOf, parseHash } from './routes';

describe('parseHash', () => {
  it.each([
    ['', { name: 'home' }],
    ['#/', { name: 'home' }],
    ['#/meetings', { name: 'meetings' }],
    ['#/meetings/', { name: 'meetings' }],
    ['#/meetings/london-2014', { name: 'meeting', id: 'london-2014' }],
    ['#/sessions/london-2014-d1-opening', { name: 'session', id: 'london-2014-d1-opening' }],
    ['#/meetings/a%2Fb', { name: 'meeting', id: 'a/b' }],
    ['#/meetings/london-2014/record', { name: 'meetingRecord', id: 'london-2014' }],
    ['#/meetings/london-2014/minutes', { name: 'notfound', path: '/meetings/london-2014/minutes' }],
    ['#/topics', { name: 'topics' }],
    ['#/topics/', { name: 'topics' }],
    ['#/topics/t-42', { name: 'topic', id: 't-42' }],
    ['#/topics/t-42/edit', { name: 'notfound', path: '/topics/t-42/edit' }],
    ['#/users', { name: 'users' }],
    ['#/attention', { name: 'attention' }],
    ['#/signin', { name: 'signin' }],
    ['#/setup?secret=XYZ-_1', { name: 'setup', secret: 'XYZ-_1' }],
    ['#/setup', { name: 'setup', secret: '' }],
    ['#/account', { name: 'account' }],
    ['#/set-password?token=qr_a-b_1', { name: 'setPassword', token: 'qr_a-b_1' }],
    ['#/set-password', { name: 'setPassword', token: '' }],
    ['#/nowhere/at/all', { name: 'notfound', path: '/nowhere/at/all' }],
  ])('%s', (hash, want) => {
    expect(parseHash(hash)).toEqual(want);
  });

  it('round-trips href', () => {
    expect(parseHash(href('meetings', 'a/b c'))).toEqual({ name: 'meeting', id: 'a/b c' });
  });
});

describe('hrefOf', () => {
  it.each([
    [{ kind: 'register', id: 'e1' }, '#/register/e1'],
    [{ kind: 'topic', id: 'privacy' }, '#/topics/privacy'],
    [{ kind: 'action', id: 'a1' }, '#/actions/a1'],
    [{ kind: 'session', id: 's1', meeting_id: 'london-2014' }, '#/meetings/london-2014'],
    [{ kind: 'note', id: 'n1', session_id: 's1' }, '#/sessions/s1/record'],
    [{ kind: 'outcome', id: 'o1' }, '#/meetings'],
  ])('%o', (named, want) => {
    expect(hrefOf(named)).toBe(want);
  });
});
