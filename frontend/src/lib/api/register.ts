// The register of cooperation activities, its links, coverage and CSV files.
import {
  filterQuery,
  type Backlinks,
  type Coverage,
  type ImportProblem,
  type ImportReport,
  type Link,
  type LinkedEntry,
  type LinkKind,
  type RegisterEntry,
  type RegisterEntryDraft,
  type RegisterEntryUpdate,
  type RegisterFilter,
  type Revision,
} from '../register';
import { API_BASE, ApiError, enc, get, list, request } from './client';

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

export const listRegister = (f: RegisterFilter = {}, signal?: AbortSignal) =>
  list<RegisterEntry>(withQuery('/register', filterQuery(f)), { signal }).then((p) => p.items);
export const getEntry = (id: string, signal?: AbortSignal) => get<RegisterEntry>(`/register/${enc(id)}`, signal);
// The form's draft goes as it is: a format or status not chosen is the
// server's to refuse, naming the field.
export const createEntry = (input: RegisterEntryDraft) => request<RegisterEntry>('POST', '/register', input, { idempotent: true });
export const updateEntry = (id: string, update: RegisterEntryUpdate) =>
  request<RegisterEntry>('PATCH', `/register/${enc(id)}`, update);
export const entryHistory = (id: string, signal?: AbortSignal) =>
  list<Revision>(`/register/${enc(id)}/history`, { signal }).then((p) => p.items);
export const backlinks = (id: string, signal?: AbortSignal) => get<Backlinks>(`/register/${enc(id)}/backlinks`, signal);

/** The URL of the CSV export of the entries a filter selects. */
export const exportURL = (f: RegisterFilter = {}) => withQuery(`${API_BASE}/register.csv`, filterQuery(f));

export const linksFrom = (kind: LinkKind, id: string, signal?: AbortSignal) =>
  list<LinkedEntry>(`/links?from_kind=${enc(kind)}&from_id=${enc(id)}`, { signal }).then((p) => p.items);
export const topicEntries = (topic: string, signal?: AbortSignal) =>
  list<LinkedEntry>(`/topics/${enc(topic)}/register`, { signal }).then((p) => p.items);
export const createLink = (kind: LinkKind, fromId: string, entryId: string) =>
  request<Link>('POST', '/links', { from_kind: kind, from_id: fromId, entry_id: entryId });
export const deleteLink = (id: string) => request<void>('DELETE', `/links/${enc(id)}`);

export const coverage = (
  q: { status?: string; format?: string; year?: string; from?: string; to?: string; meeting?: string } = {},
  signal?: AbortSignal,
) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  return get<Coverage>(withQuery('/coverage', p.toString()), signal);
};

/** A refused import: the error, and every problem by row and field. */
export class ImportRefused extends ApiError {
  constructor(
    err: ApiError,
    readonly problems: ImportProblem[],
  ) {
    super(err.status, err.code, err.message, err.field);
  }
}

/** Imports a CSV file: the body is the file itself, sent as text/csv. */
export async function importCSV(file: Blob, dryRun: boolean): Promise<ImportReport> {
  try {
    return await request<ImportReport>('POST', `/register.csv${dryRun ? '?dry_run=true' : ''}`, file, {
      contentType: 'text/csv',
      idempotent: !dryRun,
      // A refused import reports its problems; it never signs the user out.
      quiet401: true,
    });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 0) throw err;
    const body = err.body as { problems?: ImportProblem[] } | undefined;
    throw new ImportRefused(err, body?.problems ?? []);
  }
}
