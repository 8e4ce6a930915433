// The pages of the register, coverage, search and topics, kept apart from
// routes.ts so that the register's routes read in one place:
//   #/register?delegation=NZ&audience=judiciary   the list, filtered
//   #/register/new                                 a new entry
//   #/register/{id}                                an entry, its backlinks and history
//   #/register/{id}/edit                           editing it
//   #/coverage?status=ongoing                      the coverage matrix
//   #/search?q=…&kind=note                         search results
//   #/topics                                       every topic, retired ones last
//   #/topics/{id or slug}                          a topic and its entries
import { filterFrom, type RegisterFilter } from './register';

export type RegisterRoute =
  | { name: 'register'; filter: RegisterFilter }
  | { name: 'registerNew' }
  | { name: 'registerEntry'; id: string }
  | { name: 'registerEdit'; id: string }
  | { name: 'coverage'; query: Record<string, string> }
  | { name: 'search'; q: string; kind: string; meeting: string }
  | { name: 'topics' }
  | { name: 'topic'; id: string };

const NAMES = new Set(['register', 'registerNew', 'registerEntry', 'registerEdit', 'coverage', 'search', 'topics', 'topic']);

export function isRegisterRoute(r: { name: string }): r is RegisterRoute {
  return NAMES.has(r.name);
}

/** Reads the path parts and query of a hash as one of these pages, or null. */
export function parseRegisterRoute(parts: string[], query: URLSearchParams): RegisterRoute | null {
  const [a, b, c] = parts;
  if (a === 'register') {
    if (parts.length === 1) return { name: 'register', filter: filterFrom(query) };
    if (parts.length === 2 && b === 'new') return { name: 'registerNew' };
    if (parts.length === 2 && b) return { name: 'registerEntry', id: b };
    if (parts.length === 3 && b && c === 'edit') return { name: 'registerEdit', id: b };
  }
  if (a === 'coverage' && parts.length === 1) {
    const q: Record<string, string> = {};
    for (const k of ['status', 'format', 'year', 'meeting']) {
      const v = query.get(k);
      if (v) q[k] = v;
    }
    return { name: 'coverage', query: q };
  }
  if (a === 'search' && parts.length === 1) {
    return { name: 'search', q: query.get('q') ?? '', kind: query.get('kind') ?? '', meeting: query.get('meeting') ?? '' };
  }
  if (a === 'topics' && parts.length === 1) return { name: 'topics' };
  if (a === 'topics' && parts.length === 2 && b) return { name: 'topic', id: b };
  return null;
}

/** The hash of the register list with a filter. */
export function registerHref(f: RegisterFilter = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `#/register?${s}` : '#/register';
}

/** The hash of the search page. */
export function searchHref(q: string, kind = '', meeting = ''): string {
  const p = new URLSearchParams({ q });
  if (kind) p.set('kind', kind);
  if (meeting) p.set('meeting', meeting);
  return `#/search?${p}`;
}
