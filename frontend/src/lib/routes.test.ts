import { describe, expect, it } from 'vitest';
import { href, parseHash } from './routes';

describe('parseHash', () => {
  it.each([
    ['', { name: 'home' }],
    ['#/', { name: 'home' }],
    ['#/meetings', { name: 'meetings' }],
    ['#/meetings/', { name: 'meetings' }],
    ['#/meetings/london-2014', { name: 'meeting', id: 'london-2014' }],
    ['#/sessions/london-2014-d1-opening', { name: 'session', id: 'london-2014-d1-opening' }],
    ['#/meetings/a%2Fb', { name: 'meeting', id: 'a/b' }],
    ['#/users', { name: 'users' }],
    ['#/attention', { name: 'attention' }],
    ['#/signin', { name: 'signin' }],
    ['#/setup?secret=XYZ-_1', { name: 'setup', secret: 'XYZ-_1' }],
    ['#/setup', { name: 'setup', secret: '' }],
    ['#/nowhere/at/all', { name: 'notfound', path: '/nowhere/at/all' }],
  ])('%s', (hash, want) => {
    expect(parseHash(hash)).toEqual(want);
  });

  it('round-trips href', () => {
    expect(parseHash(href('meetings', 'a/b c'))).toEqual({ name: 'meeting', id: 'a/b c' });
  });
});
