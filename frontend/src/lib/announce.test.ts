import { describe, expect, it } from 'vitest';
import { ANNOUNCE_WINDOW_MS, Announcer, describeNotes, readNotes } from './announce';

function setup() {
  const said: string[] = [];
  const timers: { fn: () => void; ms: number; live: boolean }[] = [];
  const a = new Announcer((t) => said.push(t), {
    setTimeout: (fn, ms) => {
      const t = { fn, ms, live: true };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      (h as { live: boolean }).live = false;
    },
  });
  const fire = () => {
    for (const t of timers.splice(0)) if (t.live) t.fn();
  };
  return { a, said, timers, fire };
}

describe('describeNotes', () => {
  it('reads one note with its writer, shortened and on one line', () => {
    expect(describeNotes([{ author: 'Ruth Abernethy', text: 'Agreed:\n  share  evidence.' }])).toBe(
      'New note from Ruth Abernethy: Agreed: share evidence.',
    );
    const long = describeNotes([{ author: 'R', text: 'x'.repeat(500) }], 20);
    expect(long).toBe(`New note from R: ${'x'.repeat(19)}…`);
  });
  it('counts several and reads them, up to three', () => {
    expect(describeNotes([{ author: 'a', text: '1' }, { author: 'b', text: '2' }, { author: 'c', text: '3' }])).toBe(
      '3 new notes. From a: 1. From b: 2. From c: 3.',
    );
    expect(describeNotes([])).toBe('');
  });
  it('reads three and counts the rest', () => {
    const notes = Array.from({ length: 7 }, (_, i) => ({ author: `W${i}`, text: `Point ${i}!` }));
    expect(readNotes(notes)).toBe('From W0: Point 0! From W1: Point 1! From W2: Point 2! And 4 more.');
    expect(readNotes(notes.slice(0, 4))).toBe('From W0: Point 0! From W1: Point 1! From W2: Point 2! And 1 more.');
    expect(readNotes([{ author: 'R', text: 'y'.repeat(300) }], 10)).toBe(`From R: ${'y'.repeat(9)}…`);
  });
});

describe('Announcer', () => {
  it('gathers a burst into one announcement', () => {
    const { a, said, timers, fire } = setup();
    for (let i = 0; i < 5; i++) a.note({ author: 'Ruth', text: `n${i}` });
    expect(said).toEqual([]);
    expect(timers.map((t) => t.ms)).toEqual([ANNOUNCE_WINDOW_MS]);
    fire();
    expect(said).toEqual(['5 new notes. From Ruth: n0. From Ruth: n1. From Ruth: n2. And 2 more.']);
  });

  it('reads a lone note in full', () => {
    const { a, said, fire } = setup();
    a.note({ author: 'Ruth', text: 'The meeting opened.' });
    fire();
    a.note({ author: 'Ruth', text: 'Second.' });
    fire();
    expect(said).toEqual(['New note from Ruth: The meeting opened.', 'New note from Ruth: Second.']);
  });

  it('says a catch-up at once, with what was gathered, and nothing more after', () => {
    const { a, said, fire } = setup();
    a.note({ author: 'Ruth', text: 'x' });
    a.note({ author: 'Ruth', text: 'y' });
    a.say('Caught up — 7 new notes since 10:42');
    fire();
    expect(said).toEqual(['2 new notes. From Ruth: x. From Ruth: y. Caught up — 7 new notes since 10:42']);
  });

  it('reads the notes a catch-up brought after its summary', () => {
    const { a, said } = setup();
    const missed = ['a', 'b', 'c', 'd', 'e'].map((t) => ({ author: 'Ruth', text: t }));
    a.say('Caught up — 5 new notes since 10:42', missed);
    expect(said).toEqual(['Caught up — 5 new notes since 10:42. From Ruth: a. From Ruth: b. From Ruth: c. And 2 more.']);
  });
});
