// What a screen reader hears of new notes: one announcement per burst, never
// one per note. A single note is read with its writer and its start ("New
// note from Ruth Abernethy: The Attorney General welcomed…"); several that
// arrive together become "3 new notes." followed by the first three, then
// "And 4 more." A catch-up reads the notes it brought the same way. Pure logic with injected timers, so
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

/** How many notes of a burst or a catch-up are read out; the rest are counted. */
export const READ_OUT = 3;

function shorten(s: string, excerpt: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > excerpt ? `${flat.slice(0, excerpt - 1).trimEnd()}…` : flat;
}

/**
 * The notes themselves, up to three, then how many more: "From Ruth: …
 * From Sam: … From Ana: … And 4 more." A count alone ("7 new notes") tells a
 * screen-reader user that something happened, not what.
 */
export function readNotes(notes: readonly AnnouncedNote[], excerpt = 140): string {
  const read = notes.slice(0, READ_OUT).map((n) => `From ${n.author}: ${shorten(n.text, excerpt)}`);
  const rest = notes.length - read.length;
  if (rest > 0) read.push(`And ${rest} more`);
  return read.map((s) => (/[.!?…]$/.test(s) ? s : `${s}.`)).join(' ');
}

/** "New note from X: …" for one note; "n new notes." and the first three read out for more. */
export function describeNotes(notes: readonly AnnouncedNote[], excerpt = 140): string {
  if (notes.length === 0) return '';
  if (notes.length > 1) return `${notes.length} new notes. ${readNotes(notes, excerpt)}`;
  const n = notes[0]!;
  return `New note from ${n.author}: ${shorten(n.text, excerpt)}`;
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

  /**
   * Says something now (a catch-up summary), folding in the notes gathered so
   * far; `notes`, the ones a catch-up brought, are read after it.
   */
  say(text: string, notes: readonly AnnouncedNote[] = []): void {
    const gathered = describeNotes(this.batch, this.opts.excerpt);
    this.cancel();
    const said = gathered ? `${gathered.replace(/[.]$/, '')}. ${text}` : text;
    this.speak(notes.length ? `${said}. ${readNotes(notes, this.opts.excerpt)}` : said);
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
