import { describe, expect, it } from 'vitest';
import { insertionIndex } from './channel';

describe('insertionIndex', () => {
  it('finds the place of a seq in a sorted list', () => {
    const list = [1, 2, 4, 7].map((seq) => ({ seq }));
    expect([0, 3, 5, 8].map((s) => insertionIndex(list, s))).toEqual([0, 2, 3, 4]);
  });
});
