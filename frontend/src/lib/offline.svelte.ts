// The browser's side of lib/offline.ts: whether the app is online, since
// when the data shown is kept, and clearing what sign-out must not leave.
import * as api from './api';
import { API_CACHE, appKeys, KEPT_HEADER, keptAt, offlineLabel } from './offline';

class Offline {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine !== false);
  /** When the oldest answer now shown was first sent; null while answers are fresh. */
  since = $state<number | null>(null);
  /** When the oldest answer received while offline was sent; null once back online. */
  heldAt = $state<number | null>(null);

  /** The server was reached (an answer, the live socket): what is shown next is fresh. */
  reached(): void {
    this.online = true;
    this.heldAt = null;
  }

  get label(): string {
    return offlineLabel(this.since ?? (this.online ? null : this.heldAt), this.online, (t) =>
      new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
  }
}

export const offline = new Offline();

api.onAnswer((method, res) => {
  if (method !== 'GET' || !res.ok) return;
  const date = res.headers.get('Date');
  // An answer the worker served from its cache (KEPT_HEADER) means the
  // server was not reached, whatever navigator.onLine says: it is true on a
  // network that goes nowhere. Offline, every answer is kept, a recent one too.
  if (res.headers.get(KEPT_HEADER) !== null || navigator.onLine === false) {
    offline.online = false;
    const held = keptAt(date, Date.now(), false);
    if (held !== null) offline.heldAt = Math.min(held, offline.heldAt ?? held);
    return;
  }
  // The server answered: the app is online again, even if no "online" event came.
  offline.reached();
  const kept = keptAt(date, Date.now());
  offline.since = kept === null ? null : Math.min(kept, offline.since ?? kept);
});
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => offline.reached());
  window.addEventListener('offline', () => (offline.online = false));
}

/**
 * Removes what the app keeps in this browser — the service worker's answers
 * (agenda, notes, records) and the app's storage (the outbox included) — so
 * that nothing read or written under this sign-in outlives it.
 */
export async function clearKeptData(): Promise<void> {
  try {
    for (const k of appKeys(Object.keys(localStorage))) localStorage.removeItem(k);
  } catch {
    // No storage: nothing kept there.
  }
  if ('caches' in window) await caches.delete(API_CACHE);
  offline.since = offline.heldAt = null;
}
