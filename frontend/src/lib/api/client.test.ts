import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createAction,
  createSession,
  deleteSession,
  importCSV,
  list,
  listNotes,
  ImportRefused,
  login,
  me,
  onUnauthorized,
  parseError,
  request,
  updateSession,
} from './index';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function mockFetch(res: Response | (() => Promise<Response>)) {
  const f = vi.fn(typeof res === 'function' ? res : async () => res);
  vi.stubGlobal('fetch', f);
  return f;
}

afterEach(() => {
  vi.unstubAllGlobals();
  onUnauthorized(undefined);
});

describe('parseError', () => {
  it('reads code, message and field from the error body', async () => {
    const err = await parseError(
      json(400, { type: 'urn:quintet:problem:invalid', status: 400, code: 'invalid', detail: 'end must be after start', field: 'end' }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid');
    expect(err.message).toBe('end must be after start');
    expect(err.field).toBe('end');
  });

  it('keeps the current entity of a version conflict', async () => {
    const current = { id: 's1', title: 'Moved', version: 4 };
    const err = await parseError(
      json(409, { type: 'urn:quintet:problem:stale_version', status: 409, code: 'stale_version', detail: 'changed', field: 'version', current }),
    );
    expect(err.isConflict).toBe(true);
    expect(err.isStale).toBe(true);
    expect(err.current).toEqual(current);
  });

  it('reads Retry-After on 429', async () => {
    const err = await parseError(
      json(429, { type: 'urn:quintet:problem:rate_limited', status: 429, code: 'rate_limited', detail: 'Too many sign-in attempts.' }, { 'Retry-After': '30' }),
    );
    expect(err.isRateLimited).toBe(true);
    expect(err.retryAfter).toBe(30);
    expect(err.message).toBe('Too many sign-in attempts.');
  });

  it('falls back on the status when the body is not JSON', async () => {
    const err = await parseError(new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(err.code).toBe('internal');
    expect(err.field).toBeUndefined();
    expect(err.message).toMatch(/internal error/i);
  });

  it('falls back on the status when the body has no error object', async () => {
    const err = await parseError(json(404, { message: 'nope' }));
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('Not found.');
  });

  it('fills in an empty message and ignores an empty field', async () => {
    const err = await parseError(json(403, { type: 'urn:quintet:problem:forbidden', status: 403, code: 'forbidden', detail: '', field: '' }));
    expect(err.message).toBe('You are not allowed to do this.');
    expect(err.field).toBeUndefined();
  });
});

describe('request', () => {
  it('sends JSON with same-origin credentials and decodes the answer', async () => {
    const f = mockFetch(json(201, { id: 's1', title: 'Opening' }));
    const got = await createSession('london-2014', {
      title: 'Opening',
      start: '2014-07-09T08:30:00Z',
      end: '2014-07-09T09:30:00Z',
      room: '',
      chair: '',
      rapporteurs: [],
      topics: [],
    });
    expect(got).toEqual({ id: 's1', title: 'Opening' });
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/meetings/london-2014/sessions');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string).start).toBe('2014-07-09T08:30:00Z');
  });

  it('escapes ids in paths', async () => {
    const f = mockFetch(json(200, {}));
    await updateSession('a/b?c', { version: 2 });
    expect((f.mock.calls[0] as unknown as [string])[0]).toBe('/api/v1/sessions/a%2Fb%3Fc');
  });

  it('sends the version a removal was made on as If-Match', async () => {
    const f = mockFetch(new Response(null, { status: 204 }));
    await deleteSession('s1', 3);
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>)['If-Match']).toBe('"3"');
    expect(init.body).toBeUndefined();
  });

  it('counts a failed If-Match as a conflict, keeping the current entity', async () => {
    const current = { id: 's1', version: 4 };
    mockFetch(
      new Response(
        JSON.stringify({ type: 'urn:quintet:problem:precondition_failed', title: 'Precondition Failed', status: 412, detail: 'changed', code: 'precondition_failed', field: 'version', current }),
        { status: 412, headers: { 'Content-Type': 'application/problem+json' } },
      ),
    );
    const err = await deleteSession('s1', 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isConflict).toBe(true);
    expect((err as ApiError).current).toEqual(current);
  });

  it('returns undefined for 204', async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(request('DELETE', '/sessions/x')).resolves.toBeUndefined();
  });

  it('throws ApiError with the field for a 400', async () => {
    mockFetch(json(400, { type: 'urn:quintet:problem:invalid', status: 400, code: 'invalid', detail: 'title is required', field: 'title' }));
    await expect(updateSession('s1', { title: '' })).rejects.toMatchObject({
      status: 400,
      code: 'invalid',
      field: 'title',
      message: 'title is required',
    });
  });

  it('turns a network failure into a status-0 ApiError', async () => {
    mockFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(request('GET', '/meetings')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('sends a create once more, with the same Idempotency-Key, when the network fails', async () => {
    let calls = 0;
    const f = mockFetch(async () => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return json(201, { id: 'a1' });
    });
    await expect(createAction({ title: 'Share the template', owner: 'GB', due: '2015-06-30' })).resolves.toEqual({ id: 'a1' });
    await createAction({ title: 'Another', owner: 'GB', due: '2015-06-30' });
    const keys = f.mock.calls.map((c) => ((c as unknown as [string, RequestInit])[1].headers as Record<string, string>)['Idempotency-Key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[\x20-\x7e]{1,255}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('sends a read or an update once, without an Idempotency-Key', async () => {
    const f = mockFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(updateSession('s1', { version: 1 })).rejects.toMatchObject({ status: 0, code: 'network' });
    expect(f).toHaveBeenCalledTimes(1);
    expect((f.mock.calls[0] as unknown as [string, RequestInit])[1].headers).not.toHaveProperty('Idempotency-Key');
  });

  it('calls the unauthorized handler on 401, but not for sign-in or /me', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    mockFetch(json(401, { type: 'urn:quintet:problem:unauthorized', status: 401, code: 'unauthorized', detail: 'Please sign in.' }));
    await expect(request('GET', '/meetings')).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
    mockFetch(async () => json(401, { type: 'urn:quintet:problem:unauthorized', status: 401, code: 'unauthorized', detail: 'Wrong email or password.' }));
    await expect(login('a@example.org', 'wrong')).rejects.toMatchObject({ message: 'Wrong email or password.' });
    await expect(me()).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});

describe('importCSV', () => {
  it('sends the file as text/csv through request() and keeps the problems of a refusal', async () => {
    const f = mockFetch(
      json(422, { type: 'urn:quintet:problem:invalid', status: 422, code: 'invalid', detail: 'row 2: bad', field: 'title', problems: [{ row: 2, message: 'bad' }] }),
    );
    const file = new Blob(['title\n'], { type: 'text/csv' });
    const err = await importCSV(file, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRefused);
    expect((err as ImportRefused).problems).toEqual([{ row: 2, message: 'bad' }]);
    expect((err as ImportRefused).field).toBe('title');
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/register.csv?dry_run=true');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('text/csv');
    expect(init.body).toBe(file);
  });
});

describe('list', () => {
  it('follows next_cursor to the last page and keeps every item once, in order', async () => {
    const pages = [
      { items: [{ id: 'a' }, { id: 'b' }], next_cursor: 'c1' },
      { items: [{ id: 'c' }], next_cursor: 'c2' },
      { items: [{ id: 'd' }] },
    ];
    const f = mockFetch(async () => json(200, pages.shift()));
    const got = await list<{ id: string }>('/register?status=planned');
    expect(got.items.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(got.next_cursor).toBeUndefined();
    expect(f.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      '/api/v1/register?status=planned',
      '/api/v1/register?status=planned&cursor=c1',
      '/api/v1/register?status=planned&cursor=c2',
    ]);
  });

  it('reads one page when asked, and keeps what the page says besides its items', async () => {
    const f = mockFetch(async () => json(200, { items: [{ seq: 3 }], next_cursor: 'n', last_seq: 3 }));
    const got = await list<{ seq: number }, { items: { seq: number }[]; next_cursor?: string; last_seq: number }>(
      '/sessions/s1/notes',
      { onePage: true, cursor: 'x' },
    );
    expect(got).toEqual({ items: [{ seq: 3 }], next_cursor: 'n', last_seq: 3 });
    expect(f).toHaveBeenCalledTimes(1);
    expect((f.mock.calls[0] as unknown[])[0]).toBe('/api/v1/sessions/s1/notes?cursor=x');
  });

  it('gives a record all its notes, with the last page’s last_seq', async () => {
    const pages = [
      { items: [{ seq: 1 }], next_cursor: 'k', last_seq: 1 },
      { items: [{ seq: 2 }], last_seq: 5 },
    ];
    mockFetch(async () => json(200, pages.shift()));
    const got = await listNotes('s1', 0);
    expect(got.items.map((n) => n.seq)).toEqual([1, 2]);
    expect(got.last_seq).toBe(5);
  });
});
