// The hash routes of the app. The Go server serves only index.html and the
// assets, so every page lives after the "#": #/meetings/london-2014.
import { parseActionsRoute, type ActionsRoute } from './actionRoutes';
import { parseRegisterRoute, type RegisterRoute } from './registerRoutes';

export type Route =
  | { name: 'home' }
  | { name: 'signin' }
  | { name: 'setup'; secret: string }
  | { name: 'meetings' }
  | { name: 'meeting'; id: string }
  | { name: 'session'; id: string }
  | { name: 'users' }
  | { name: 'account' }
  | { name: 'setPassword'; token: string }
  | ActionsRoute // the board, a new action, an action: actionRoutes.ts
  | { name: 'attention' }
  | { name: 'sessionRecord'; id: string }
  | { name: 'meetingRecord'; id: string }
  | RegisterRoute // the register, coverage, search and topics: registerRoutes.ts
  | { name: 'notfound'; path: string };

/** Reads a location hash ("#/meetings/london-2014?x=1") as a route. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw).replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const registerRoute = parseRegisterRoute(parts, query);
  if (registerRoute) return registerRoute;
  const actionsRoute = parseActionsRoute(parts, query);
  if (actionsRoute) return actionsRoute;
  switch (parts.length) {
    case 0:
      return { name: 'home' };
    case 1:
      if (parts[0] === 'signin') return { name: 'signin' };
      if (parts[0] === 'setup') return { name: 'setup', secret: query.get('secret') ?? '' };
      if (parts[0] === 'meetings') return { name: 'meetings' };
      if (parts[0] === 'users') return { name: 'users' };
      if (parts[0] === 'account') return { name: 'account' };
      if (parts[0] === 'set-password') return { name: 'setPassword', token: query.get('token') ?? '' };
      if (parts[0] === 'attention') return { name: 'attention' };
      break;
    case 2:
      if (parts[0] === 'meetings' && parts[1]) return { name: 'meeting', id: parts[1] };
      if (parts[0] === 'sessions' && parts[1]) return { name: 'session', id: parts[1] };
      break;
    case 3:
      if (parts[0] === 'sessions' && parts[1] && parts[2] === 'record') return { name: 'sessionRecord', id: parts[1] };
      if (parts[0] === 'meetings' && parts[1] && parts[2] === 'record') return { name: 'meetingRecord', id: parts[1] };
      break;
  }
  return { name: 'notfound', path };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The href of a page: href('meetings', 'london-2014') → "#/meetings/london-2014". */
export function href(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

/** Something a search hit or a backlink names, by its kind. */
export interface Named {
  kind: string;
  id: string;
  session_id?: string | null;
  meeting_id?: string | null;
}

/**
 * The page of what a search hit or a backlink names: its own page, or the
 * page that shows it (a session on its meeting's agenda, a note or an outcome
 * in its session's record).
 */
export function hrefOf(n: Named): string {
  switch (n.kind) {
    case 'register':
      return href('register', n.id);
    case 'topic':
      return href('topics', n.id);
    case 'action':
      return href('actions', n.id);
    case 'session':
      return n.meeting_id ? href('meetings', n.meeting_id) : '#/meetings';
    default:
      return n.session_id ? href('sessions', n.session_id, 'record') : '#/meetings';
  }
}
