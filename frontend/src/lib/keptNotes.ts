// The notes of followed sessions, kept in this browser's storage so that the
// live page survives a reload without network (issue 13): it shows the
// record as it last had it, and its first catch-up is a resume after the last
// note kept, whose notes are marked as new. Pure TypeScript (keptNotes.test.ts);
// lib/live.svelte.ts gives it localStorage and the signed-in reader.
//
// What is kept belongs to one reader: the key names the account, and the
// value its clearance when the notes were read, so a lower clearance (a role
// changed, another account on the machine) never sees notes it may not read.
// Every key starts "quintet.", which sign-out removes (offline.ts, appKeys).

import type { Marking, Note } from './types';
import type { KeptNotes, NoteKeeper } from './live';
import type { StorageLike } from './outbox';

/** The reader whose notes are kept; null while nobody is signed in (nothing is read or written). */
export interface Reader {
  user: string;
  clearance: Marking;
}

/** How many sessions' notes are kept per browser; the least recently kept go first. */
export const KEPT_SESSIONS = 12;

const PREFIX = 'quintet.notes.v1:';
const INDEX = 'quintet.notes.v1.index';

function keyOf(reader: Reader, channel: string): string {
  return `${PREFIX}${reader.user}:${channel}`;
}

interface Stored {
  clearance: Marking;
  at: number;
  lastSeq: number;
  notes: readonly Note[];
}

function isStored(x: unknown): x is Stored {
  if (!x || typeof x !== 'object') return false;
  const v = x as Record<string, unknown>;
  return (
    typeof v.clearance === 'string' &&
    typeof v.at === 'number' &&
    typeof v.lastSeq === 'number' &&
    Array.isArray(v.notes) &&
    v.notes.every((n) => n && typeof n === 'object' && Number.isInteger((n as Note).seq) && typeof (n as Note).text === 'string')
  );
}

/** Keeps notes in storage for whoever `reader` says is signed in. */
export class StorageNoteKeeper implements NoteKeeper {
  constructor(
    private readonly storage: StorageLike | null,
    private readonly reader: () => Reader | null,
    private readonly limit = KEPT_SESSIONS,
  ) {}

  load(channel: string): KeptNotes | null {
    const r = this.reader();
    if (!r || !this.storage) return null;
    const key = keyOf(r, channel);
    let v: unknown;
    try {
      v = JSON.parse(this.storage.getItem(key) ?? 'null');
    } catch {
      v = null;
    }
    if (!isStored(v)) return null;
    if (v.clearance !== r.clearance) {
      // Read under another clearance: not this reader's record any more.
      this.remove(key);
      return null;
    }
    return { notes: v.notes, lastSeq: v.lastSeq, at: v.at };
  }

  save(channel: string, kept: KeptNotes): void {
    const r = this.reader();
    if (!r || !this.storage) return;
    const key = keyOf(r, channel);
    const value = JSON.stringify({ clearance: r.clearance, at: kept.at, lastSeq: kept.lastSeq, notes: kept.notes } satisfies Stored);
    const index = this.index().filter((k) => k !== key);
    index.push(key);
    // The oldest go first, to the limit, and again while the storage is full.
    while (index.length > this.limit) this.remove(index.shift()!);
    for (;;) {
      try {
        this.storage.setItem(key, value);
        break;
      } catch {
        if (index.length <= 1) {
          this.remove(key);
          index.length = 0;
          break;
        }
        this.remove(index.shift()!);
      }
    }
    this.writeIndex(index);
  }

  private index(): string[] {
    try {
      const v: unknown = JSON.parse(this.storage?.getItem(INDEX) ?? '[]');
      return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string' && k.startsWith(PREFIX)) : [];
    } catch {
      return [];
    }
  }

  private writeIndex(index: string[]): void {
    try {
      this.storage?.setItem(INDEX, JSON.stringify(index));
    } catch {
      // Full: the entries are still found by key; the index only orders eviction.
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // nothing to do
    }
  }
}
