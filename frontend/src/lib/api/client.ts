// The one way the frontend talks to the server. Every call of lib/api/* goes
// through request(): same-origin credentials (the quintet_login cookie), JSON in and
// out, and errors (RFC 9457 problem details) turned into ApiError carrying the
// server's code, detail and field, so that a view can show a message next to
// the field at fault.

import type { Problem } from '../types';
import { newClientId } from '../outbox';

export const API_BASE = '/api/v1';

/** An error answer from the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's code (invalid, not_found, stale_version, duplicate, conflict, …), or "network". */
    readonly code: string,
    message: string,
    /** The input field at fault, when the server names one. */
    readonly field?: string,
    /** On a stale version, the entity as it is now, when the server sends it. */
    readonly current?: unknown,
    /** Seconds to wait, from Retry-After, on 429 and 503. */
    readonly retryAfter?: number,
    /** The whole problem, for answers that carry more than the problem (an import's faults). */
    readonly body?: unknown,
  ) {
    super(message);
  }

  /** Refused because the thing changed meanwhile (409 from the body's version, 412 from If-Match), or a duplicate. */
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412 || this.code === 'conflict' || this.code === 'stale_version';
  }
  /** The version sent was not the current one; current, when sent, is the thing as it is now. */
  get isStale(): boolean {
    return this.code === 'stale_version' || this.code === 'precondition_failed';
  }
  get isUnauthorized(): boolean {
    return this.status === 401;
  }
  get isRateLimited(): boolean {
    return this.status === 429 || this.code === 'rate_limited';
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'rate_limited',
};

const FALLBACK_MESSAGE: Record<string, string> = {
  invalid: 'The request was not valid.',
  unauthorized: 'Please sign in.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'Not found.',
  conflict: 'This cannot be done in its current state.',
  stale_version: 'This was changed by someone else.',
  duplicate: 'This is taken already.',
  unsupported_media_type: 'The request was not sent as the server expects.',
  precondition_failed: 'This was changed by someone else.',
  precondition_required: 'Reload and edit again: the version you edited was not sent.',
  too_large: 'The request is too large.',
  rate_limited: 'Too many attempts. Please wait and try again.',
  internal: 'Internal error. Please try again later.',
};

function isProblem(x: unknown): x is Problem {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  return typeof p.code === 'string' || typeof p.type === 'string';
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}

/**
 * Turns an error answer into an ApiError. It trusts the problem details when
 * there are some and falls back on the status when the body is not ours
 * (a proxy's HTML page, an empty body).
 */
export async function parseError(res: Response): Promise<ApiError> {
  const fallbackCode = CODE_BY_STATUS[res.status] ?? (res.status >= 500 ? 'internal' : 'error');
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    const e = body as Record<string, unknown>;
    const code = typeof e.code === 'string' && e.code !== '' ? e.code : fallbackCode;
    const title = typeof e.title === 'string' && e.title !== '' ? e.title : undefined;
    const message =
      typeof e.detail === 'string' && e.detail !== ''
        ? e.detail
        : (FALLBACK_MESSAGE[code] ?? title ?? `The server answered ${res.status}.`);
    const field = typeof e.field === 'string' && e.field !== '' ? e.field : undefined;
    return new ApiError(res.status, code, message, field, e.current, retryAfter, body);
  }
  const message = FALLBACK_MESSAGE[fallbackCode] ?? `The server answered ${res.status} ${res.statusText}.`;
  return new ApiError(res.status, fallbackCode, message, undefined, undefined, retryAfter);
}

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | undefined;

/**
 * Registers what to do when a request finds the login gone (401), such as
 * after an idle timeout or when the secretariat disabled the account.
 */
export function onUnauthorized(handler: UnauthorizedHandler | undefined): void {
  unauthorizedHandler = handler;
}

type AnswerHandler = (method: string, res: Response) => void;
let answerHandler: AnswerHandler | undefined;

/**
 * Registers who looks at every answer of the API: the offline label reads
 * each answer's Date to tell a fresh one from one the service worker kept.
 */
export function onAnswer(handler: AnswerHandler | undefined): void {
  answerHandler = handler;
}

export interface RequestOptions {
  /** Do not call the unauthorized handler on 401 (sign-in, /me at start). */
  quiet401?: boolean;
  signal?: AbortSignal;
  /** The body's media type when it is sent as it is (a CSV file) rather than as JSON. */
  contentType?: string;
  /** The version the change was made on, sent as If-Match: the server refuses it (412) if the thing changed since. */
  ifMatch?: number;
  /**
   * A create that must not happen twice: the request carries a new Idempotency-Key, and when
   * the network fails (the request may have reached the server) it is sent once more with the
   * same key, which the server answers with the first answer rather than a second thing.
   */
  idempotent?: boolean;
}

/** How often an idempotent create is sent when the network fails. */
const IDEMPOTENT_ATTEMPTS = 2;

/** Sends one request to the API and decodes its JSON answer. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal };
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  if (body !== undefined && opts.contentType) {
    // The server refuses a cookie-authenticated write whose type is not the one
    // it expects, so a raw body always says what it is.
    headers['Content-Type'] = opts.contentType;
    init.body = body as BodyInit;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (opts.idempotent) headers['Idempotency-Key'] = newClientId();
  let res: Response | undefined;
  for (let attempt = 1; res === undefined; attempt++) {
    try {
      res = await fetch(API_BASE + path, init);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      if (opts.idempotent && attempt < IDEMPOTENT_ATTEMPTS) continue;
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
  }
  answerHandler?.(method, res);
  if (!res.ok) {
    const error = await parseError(res);
    if (error.isUnauthorized && !opts.quiet401) unauthorizedHandler?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'internal', 'The server sent an answer that could not be read.');
  }
}

/** Encodes one path segment. */
export const enc = encodeURIComponent;

/** A GET of one resource. */
export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, { signal });

/** One page of a list: every list route answers this shape. */
export interface ListPage<T> {
  items: T[];
  /** Absent or empty on the last page. */
  next_cursor?: string;
}

export interface ListOptions extends RequestOptions {
  /** Only the page that starts here (a next_cursor), rather than every page. */
  cursor?: string;
  /** Stop after one page. */
  onePage?: boolean;
}

/**
 * Reads a list: every page, following next_cursor, or one page with onePage.
 * The answer is the last page read with the items of all pages, so that what
 * a list says besides its items (a record's last_seq, a search's counts) is
 * kept. path may carry the list's filters.
 */
export async function list<T, P extends ListPage<T> = ListPage<T>>(path: string, opts: ListOptions = {}): Promise<P> {
  const items: T[] = [];
  let cursor = opts.cursor;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await request<P>('GET', cursor ? `${path}${sep}cursor=${enc(cursor)}` : path, undefined, opts);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor || opts.onePage) return { ...page, items };
  }
}
