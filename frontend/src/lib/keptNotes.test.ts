import { describe, expect, it } from 'vitest';
import { StorageNoteKeeper, type Reader } from './keptNotes';
import { appKeys } from './offline';
import { note } from './live/fakes';
import type { StorageLike } from './outbox';

class MemoryStorage implements StorageLike {
  items = new Map<string, string>();
  /** Bytes it takes before setItem throws, as a full localStorage does. */
  capacity = Infinity;
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    let used = v.length;
    for (const [key, val] of this.items) if (key !== k) used += val.length;
    if (used > this.capacity) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

const kept = (seqs: number[], at = 1000) => ({ notes: seqs.map((s) => note(s)), lastSeq: Math.max(0, ...seqs), at });

describe('StorageNoteKeeper', () => {
  it('gives a reader back what was kept for them, under keys sign-out removes', () => {
    const storage = new MemoryStorage();
    let reader: Reader | null = { user: 'u1', clearance: 'delegations' };
    const keeper = new StorageNoteKeeper(storage, () => reader);
    keeper.save('session:s1', kept([1, 2]));
    expect(keeper.load('session:s1')).toEqual(kept([1, 2]));
    expect(appKeys([...storage.items.keys()])).toEqual([...storage.items.keys()]);

    reader = { user: 'u2', clearance: 'delegations' };
    expect(keeper.load('session:s1'), 'another account').toBeNull();
    reader = null;
    expect(keeper.load('session:s1'), 'nobody signed in').toBeNull();
    keeper.save('session:s1', kept([9]));
    reader = { user: 'u1', clearance: 'delegations' };
    expect(keeper.load('session:s1'), 'nothing written while signed out').toEqual(kept([1, 2]));
  });

  it('drops notes kept under another clearance', () => {
    const storage = new MemoryStorage();
    let reader: Reader = { user: 'u1', clearance: 'heads' };
    const keeper = new StorageNoteKeeper(storage, () => reader);
    keeper.save('session:s1', kept([1, 2, 3]));
    reader = { user: 'u1', clearance: 'all' };
    expect(keeper.load('session:s1')).toBeNull();
    reader = { user: 'u1', clearance: 'heads' };
    expect(keeper.load('session:s1'), 'removed, not hidden').toBeNull();
  });

  it('keeps the latest sessions up to its limit, and makes room when storage is full', () => {
    const storage = new MemoryStorage();
    const keeper = new StorageNoteKeeper(storage, () => ({ user: 'u1', clearance: 'all' }), 3);
    for (const s of ['a', 'b', 'c', 'd']) keeper.save(`session:${s}`, kept([1]));
    expect(keeper.load('session:a')).toBeNull();
    expect(keeper.load('session:d')).not.toBeNull();
    keeper.save('session:b', kept([1, 2])); // b is now the latest
    keeper.save('session:e', kept([1]));
    expect(keeper.load('session:c')).toBeNull();
    expect(keeper.load('session:b')).not.toBeNull();

    const one = JSON.stringify(kept([1, 2])).length;
    storage.capacity = 3 * one;
    keeper.save('session:f', kept(Array.from({ length: 4 }, (_, i) => i + 1)));
    expect(keeper.load('session:f')!.lastSeq).toBe(4);
    expect(keeper.load('session:d'), 'the oldest went to make room').toBeNull();
  });

  it('ignores what it cannot read', () => {
    const storage = new MemoryStorage();
    const keeper = new StorageNoteKeeper(storage, () => ({ user: 'u1', clearance: 'all' }));
    storage.setItem('quintet.notes.v1:u1:session:s1', '{not json');
    expect(keeper.load('session:s1')).toBeNull();
    storage.setItem('quintet.notes.v1:u1:session:s1', JSON.stringify({ clearance: 'all', at: 1, lastSeq: 1, notes: [{ seq: 'x' }] }));
    expect(keeper.load('session:s1')).toBeNull();
    expect(new StorageNoteKeeper(null, () => ({ user: 'u1', clearance: 'all' })).load('session:s1')).toBeNull();
  });
});
