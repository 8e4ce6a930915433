import { describe, expect, it } from 'vitest';
import type { Note } from '../types';
import { parseFrame } from './protocol';

describe('parseFrame', () => {
  it('splits a coalesced frame into messages and skips what is not JSON', () => {
    const frame = '{"type":"pong"}\n{"type":"note","note":{"text":"a\\nb"}}\nnot json\n\n{"no":"type"}';
    const msgs = parseFrame(frame);
    expect(msgs.map((m) => m.type)).toEqual(['pong', 'note']);
    expect((msgs[1]!.note as Note).text).toBe('a\nb');
  });

  it('ignores binary data', () => {
    expect(parseFrame(new ArrayBuffer(3))).toEqual([]);
  });
});
