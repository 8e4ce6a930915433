import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MARKING,
  amendmentIndex,
  canRead,
  catchUpDivider,
  catchUpText,
  timesApart,
  mayWrite,
  noteLength,
  noteTimes,
} from './notes';
import { note } from './live/fakes';

const n = (seq: number, amends?: number) => note(seq, amends ? { amends } : {});

describe('markings', () => {
  it('never defaults to all', () => {
    expect(DEFAULT_MARKING).toBe('delegations');
  });
  it('follows the clearance order all < delegations < heads', () => {
    expect(canRead('delegations', 'all')).toBe(true);
    expect(canRead('delegations', 'heads')).toBe(false);
    expect(canRead('heads', 'heads')).toBe(true);
    expect(canRead('all', 'delegations')).toBe(false);
    expect(canRead(null, 'all')).toBe(false);
  });
});

describe('amendmentIndex', () => {
  it('links each amended note to the notes amending it', () => {
    const idx = amendmentIndex([n(1), n(2), n(3, 1), n(4, 2), n(5, 1)]);
    expect([...idx.entries()]).toEqual([
      [1, [3, 5]],
      [2, [4]],
    ]);
  });
});

describe('noteTimes', () => {
  it('gives the meeting’s clock, and the viewer’s when it differs', () => {
    expect(noteTimes('2014-07-09T09:42:00Z', 'Europe/London', 'London', 'Europe/London')).toEqual({
      meeting: '10:42 London',
      iso: '2014-07-09T09:42:00Z',
    });
    expect(noteTimes('2014-07-09T09:42:00Z', 'Europe/London', 'London', 'Australia/Sydney').viewer).toBe(
      '19:42 your time',
    );
    expect(noteTimes('2014-07-09T16:30:00Z', 'Europe/London', 'London', 'Pacific/Auckland').viewer).toBe(
      '04:30 Thu 10 Jul your time',
    );
  });
});

describe('catchUpText', () => {
  const since = Date.UTC(2014, 6, 9, 9, 42);
  it('says nothing for the record so far', () => {
    expect(catchUpText({ channel: 'c', first: true, newNotes: 12, since: null, lastSeq: 12 }, 'UTC')).toBe('');
  });
  it('says how many notes came since the link was lost, on the viewer’s clock', () => {
    expect(catchUpText({ channel: 'c', first: false, newNotes: 7, since, lastSeq: 19 }, 'Europe/London')).toBe(
      'Caught up — 7 new notes since 10:42',
    );
    expect(catchUpText({ channel: 'c', first: false, newNotes: 1, since, lastSeq: 19 }, 'UTC')).toBe(
      'Caught up — 1 new note since 09:42',
    );
    expect(catchUpText({ channel: 'c', first: false, newNotes: 0, since, lastSeq: 19 }, 'UTC')).toBe(
      'Caught up — no new notes since 09:42',
    );
  });
});

describe('mayWrite', () => {
  const session = { chair: 'chair', rapporteurs: ['rap'] };
  it.each([
    [{ id: 'x', roles: ['admin'] }, true],
    [{ id: 'chair', roles: ['head'] }, true],
    [{ id: 'rap', roles: ['rapporteur'] }, true],
    [{ id: 'rap', roles: ['delegate'] }, false], // listed, but no longer a rapporteur
    [{ id: 'other', roles: ['rapporteur'] }, false], // a rapporteur of other sessions
    [{ id: 'd', roles: ['delegate'] }, false],
  ] as const)('%o → %s', (user, want) => {
    expect(mayWrite(session, { id: user.id, roles: [...user.roles] })).toBe(want);
  });
  it('is false when signed out', () => {
    expect(mayWrite(session, null)).toBe(false);
  });
});

describe('noteLength', () => {
  it('counts code points as the server does', () => {
    expect(noteLength('a😀b')).toBe(3);
  });
});

describe('catchUpDivider', () => {
  const since = Date.UTC(2014, 6, 9, 9, 42);
  it('marks nothing for the record so far, or for a resume that brought nothing', () => {
    expect(catchUpDivider({ first: true, since: null }, [n(1), n(2)], 'UTC')).toBeNull();
    expect(catchUpDivider({ first: false, since }, [], 'UTC')).toBeNull();
  });
  it('sits above the first missed note and counts each once, on the viewer’s clock', () => {
    expect(catchUpDivider({ first: false, since }, [n(9), n(7), n(8), n(8)], 'Europe/London')).toEqual({
      firstSeq: 7,
      seqs: [7, 8, 9],
      label: '3 new since 10:42',
    });
    expect(catchUpDivider({ first: false, since: null }, [n(4)], 'UTC')?.label).toBe('1 new');
  });
});

describe('timesApart', () => {
  it('shows both times only beyond a minute', () => {
    const at = '2014-07-09T10:42:00.000Z';
    expect(timesApart({ created_at: at, written_at: at })).toBe(false);
    expect(timesApart({ created_at: at, written_at: '2014-07-09T10:41:00.000Z' })).toBe(false);
    expect(timesApart({ created_at: at, written_at: '2014-07-09T10:40:59.000Z' })).toBe(true);
  });
});
