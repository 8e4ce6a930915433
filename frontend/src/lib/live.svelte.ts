// The app’s one live connection (see live/client.ts): every view subscribes through
// `live`, so a tab holds a single WebSocket however many views follow
// channels. This file wires the client to the browser: the socket URL, the
// timers, online/offline and page visibility, and sign-in.
import * as api from './api';
import { currentUser } from './currentUser.svelte';
import { StorageNoteKeeper } from './keptNotes';
import { offline } from './offline.svelte';
import { LiveClient, type ConnectionState, type LiveEnv, type SocketLike } from './live';

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: notes are kept for the page's life only
  }
}

function liveUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${api.API_BASE}/live`;
}

const env: LiveEnv = {
  url: liveUrl,
  createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (h) => window.clearTimeout(h as number),
  now: () => Date.now(),
  random: Math.random,
  isOnline: () => navigator.onLine !== false,
  keep: new StorageNoteKeeper(browserStorage(), () =>
    currentUser.status === 'signed-in' && currentUser.me && !currentUser.leaving
      ? { user: currentUser.me.user.id, clearance: currentUser.me.clearance }
      : null,
  ),
  async checkSignedIn() {
    try {
      await api.me();
      return true;
    } catch (err) {
      return !(err instanceof api.ApiError && err.status === 401);
    }
  },
};

export const live = new LiveClient(env);

/** The connection's state, for components. */
class LiveStatus {
  state: ConnectionState = $state(live.connectionState);
}

export const liveStatus = new LiveStatus();

live.onState((s) => {
  liveStatus.state = s;
  // A live connection is the server reached, though the browser may never have said it was offline.
  if (s === 'connected') offline.reached();
  if (s === 'unauthorized') {
    // The server closed the socket because this sign-in ended (4001). Make
    // sure before sending the user to the sign-in page: a sign-out in this
    // tab closes the socket the same way, and then nothing is to be said.
    api.me().then(
      // Still signed in (a new login in another tab, say): connect again with it.
      () => live.resume(),
      (err: unknown) => {
        if (err instanceof api.ApiError && err.status === 401 && currentUser.status === 'signed-in') currentUser.expired();
      },
    );
  }
});

window.addEventListener('online', () => live.network(true));
window.addEventListener('offline', () => live.network(false));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') live.wake();
});
window.addEventListener('pageshow', (ev) => {
  if (ev.persisted) live.wake();
});
