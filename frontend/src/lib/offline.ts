// What the offline label says, and what sign-out removes. Pure TypeScript
// (offline.test.ts); offline.svelte.ts wires it to the browser.

/** The header the service worker adds to an answer it served from its cache (vite.config.ts). */
export const KEPT_HEADER = 'X-Quintet-Kept';

/** An answer older than this was kept by the service worker, not sent now. */
export const KEPT_AFTER_MS = 2 * 60_000;

/**
 * The time of the data shown, from an answer's Date header: its time when
 * the answer was kept from earlier, null when it is fresh or undated. Online,
 * an answer is kept when it is older than KEPT_AFTER_MS at now; offline,
 * every answer is (the network cannot have sent it), however recent.
 */
export function keptAt(date: string | null, now: number, online = true): number | null {
  if (!date) return null;
  const t = Date.parse(date);
  if (Number.isNaN(t)) return null;
  return !online || now - t > KEPT_AFTER_MS ? t : null;
}

/** The label: "Offline — showing what you had at 10:42". */
export function offlineLabel(since: number | null, online: boolean, format: (t: number) => string): string {
  if (since !== null) return `Offline — showing what you had at ${format(since)}`;
  return online ? '' : 'Offline — showing what this page had';
}

/** The browser storage keys sign-out removes: every one of the app's ("quintet."). */
export function appKeys(keys: readonly string[]): string[] {
  return keys.filter((k) => k.startsWith('quintet.'));
}

/** The service worker's cache of API answers (vite.config.ts). */
export const API_CACHE = 'quintet-api';
