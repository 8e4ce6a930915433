// When to try the live connection again, and when to suspect it is dead.
// Pure functions of the attempt number and a random source, so the timing
// is tested without a clock.

import { CLOSE } from './protocol';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** 1 s doubling to 30 s, as docs/live-protocol.md suggests. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 30_000 };

/**
 * The wait before reconnection attempt number `attempt` (0 for the first
 * after a drop): exponential, capped, with "equal jitter", a random point in
 * the upper half of the window, so that a room full of delegates whose Wi-Fi
 * came back at the same instant does not reconnect in step.
 */
export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const window = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(window / 2 + (random() * window) / 2);
}

export type CloseDecision = { reconnect: true; delayMs: number } | { reconnect: false; reason: 'unauthorized' };

/** What to do after the connection closed with `code`, on reconnection attempt `attempt`. */
export function afterClose(code: number, attempt: number, random: () => number, opts = DEFAULT_BACKOFF): CloseDecision {
  switch (code) {
    case CLOSE.signInAgain:
      // The credential was revoked: the same cookie would be refused again.
      return { reconnect: false, reason: 'unauthorized' };
    case CLOSE.tooSlow:
      // Our queue overflowed; the catch-up brings what was dropped. At once,
      // unless it keeps happening.
      return { reconnect: true, delayMs: attempt === 0 ? 0 : backoffDelay(attempt - 1, random, opts) };
    case CLOSE.goingAway:
      // The server is restarting: give it 1–5 s, spread over the clients.
      return { reconnect: true, delayMs: Math.max(1000 + Math.round(random() * 4000), backoffDelay(attempt, random, opts)) };
    default:
      return { reconnect: true, delayMs: backoffDelay(attempt, random, opts) };
  }
}

/** Send a ping when nothing has arrived for this long… */
export const HEARTBEAT_MS = 20_000;
/** …and drop the socket when nothing answers it within this. */
export const PONG_WAIT_MS = 8_000;
/** A connection that lived this long after hello was healthy: the back-off starts over. */
export const STABLE_MS = 5_000;
