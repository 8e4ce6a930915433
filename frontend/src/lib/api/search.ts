// Search across the register, topics, sessions, notes, outcomes and actions.
import type { SearchHit, SearchResults } from '../register';
import { list } from './client';

export const search = (q: string, opts: { kind?: string; meeting?: string; limit?: number } = {}, signal?: AbortSignal) => {
  const p = new URLSearchParams({ q });
  if (opts.kind) p.set('kind', opts.kind);
  if (opts.meeting) p.set('meeting', opts.meeting);
  if (opts.limit) p.set('limit', String(opts.limit));
  return list<SearchHit, SearchResults>(`/search?${p}`, { signal, onePage: true });
};
