import { describe, expect, it } from 'vitest';
import { afterClose, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 1 s to a 30 s cap, with jitter in the upper half', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, low))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, high))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('spreads clients that retry at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => backoffDelay(3, () => i / 50)));
    expect(delays.size).toBe(50);
  });
});

describe('afterClose', () => {
  const r = () => 0.5;
  it('never reconnects with a revoked credential (4001)', () => {
    expect(afterClose(4001, 0, r)).toEqual({ reconnect: false, reason: 'unauthorized' });
  });
  it('reconnects at once when dropped as too slow (4008), then backs off if it repeats', () => {
    expect(afterClose(4008, 0, r)).toEqual({ reconnect: true, delayMs: 0 });
    expect(afterClose(4008, 3, r)).toEqual({ reconnect: true, delayMs: backoffDelay(2, r) });
  });
  it('waits 1–5 s when the server is going away (1001)', () => {
    for (const x of [0, 0.5, 0.999]) {
      const d = afterClose(1001, 0, () => x);
      expect(d.reconnect && d.delayMs >= 1000 && d.delayMs <= 5000).toBe(true);
    }
  });
  it('backs off after a dropped link (1006) or an oversize message (1009)', () => {
    expect(afterClose(1006, 2, r)).toEqual({ reconnect: true, delayMs: backoffDelay(2, r) });
    expect(afterClose(1009, 0, r)).toEqual({ reconnect: true, delayMs: backoffDelay(0, r) });
  });
});
