// What a screen reader hears of new notes: one announcement per burst, never
// one per note. A single note is read with its writer and its start ("New
// note from Ruth Abernethy: The Attorney General welcomed…"); several that
// arrive together become "3 new notes". Pure logic with injected timers, so
// announce.test.ts runs without a browser; the view puts the text in an
// aria-live region.

export interface AnnouncerOptions {
  /** How long to gather notes before speaking. */
  windowMs?: number;
  /** Longest excerpt of a single note's text. */
  excerpt?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export const ANNOUNCE_WINDOW_MS = 1500;

export interface AnnouncedNote {
  author: string;
  text: string;
}

/** "New note from X: …" for one note, "n new notes" for more. */
export function describeNotes(notes: readonly AnnouncedNote[], excerpt = 140): string {
  if (notes.length === 0) return '';
  if (notes.length > 1) return `${notes.length} new notes`;
  const n = notes[0]!;
  const flat = n.text.replace(/\s+/g, ' ').trim();
  const text = flat.length > excerpt ? `${flat.slice(0, excerpt - 1).trimEnd()}…` : flat;
  return `New note from ${n.author}: ${text}`;
}

export class Announcer {
  private readonly speak: (text: string) => void;
  private readonly opts: Required<Pick<AnnouncerOptions, 'windowMs' | 'excerpt'>> & AnnouncerOptions;
  private batch: AnnouncedNote[] = [];
  private timer: unknown = null;

  constructor(speak: (text: string) => void, opts: AnnouncerOptions = {}) {
    this.speak = speak;
    this.opts = { windowMs: ANNOUNCE_WINDOW_MS, excerpt: 140, ...opts };
  }

  /** A note arrived live. */
  note(n: AnnouncedNote): void {
    this.batch.push(n);
    if (this.timer === null) {
      this.timer = (this.opts.setTimeout ?? setTimeout)(() => this.flush(), this.opts.windowMs);
    }
  }

  /** Says something now (a catch-up summary), folding in the notes gathered so far. */
  say(text: string): void {
    const gathered = describeNotes(this.batch, this.opts.excerpt);
    this.cancel();
    this.speak(gathered ? `${gathered}. ${text}` : text);
  }

  /** Speaks what was gathered. */
  flush(): void {
    const text = describeNotes(this.batch, this.opts.excerpt);
    this.cancel();
    if (text) this.speak(text);
  }

  cancel(): void {
    if (this.timer !== null) (this.opts.clearTimeout ?? clearTimeout)(this.timer as never);
    this.timer = null;
    this.batch = [];
  }
}
