import { expect, request, type APIRequestContext } from '@playwright/test';
import { ADMIN, BASE_URL, PASSWORD, RAPPORTEUR, type Account } from './accounts';

// What the specs set up through the API, as the secretariat or a rapporteur
// would, so that each spec makes its own data and needs nothing of the others.

type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;
// Logins made by apiAs, kept for the worker's life: the server allows an
// account ten sign-ins per half minute, and the specs set up far more data
// than that as the secretariat. A kept login that has ended (a spec changed
// the password) is replaced by a new one.
const apiLogins = new Map<string, StorageState>();

/** An API client logged in as account; dispose of it when done. */
export async function apiAs(account: Account): Promise<APIRequestContext> {
  // The server refuses state-changing requests without a same-origin Origin.
  const options = { baseURL: BASE_URL, extraHTTPHeaders: { Origin: BASE_URL } };
  const saved = apiLogins.get(account.email);
  if (saved) {
    const ctx = await request.newContext({ ...options, storageState: saved });
    if ((await ctx.get('/api/v1/me')).status() === 200) return ctx;
    await ctx.dispose();
  }
  const ctx = await request.newContext(options);
  const res = await ctx.post('/api/v1/login', { data: { email: account.email, password: PASSWORD } });
  expect(res.status(), `log in ${account.email}`).toBe(200);
  apiLogins.set(account.email, await ctx.storageState());
  return ctx;
}

/** Makes an account with the test password; one made by an earlier run on this server is kept. */
export async function ensureAccount(
  admin: APIRequestContext,
  account: Account,
  roles: string[],
  delegation: string,
): Promise<void> {
  const res = await admin.post('/api/v1/users', {
    data: { email: account.email, name: account.name, roles, delegation, password: PASSWORD },
  });
  expect([201, 409], `add ${account.email}`).toContain(res.status());
}

/** The id of the account with this email. */
export async function userId(api: APIRequestContext, account: Account): Promise<string> {
  const users = ((await (await api.get('/api/v1/users')).json()) as { items: { id: string; email: string }[] }).items;
  const found = users.find((u) => u.email === account.email);
  expect(found, `the account ${account.email} exists`).toBeTruthy();
  return found!.id;
}

export interface SessionFields {
  title: string;
  /** RFC 3339, on a day of London 2014. */
  start: string;
  end: string;
  room: string;
  rapporteurs?: string[];
  topics?: string[];
}

/** Adds a session to London 2014 and returns what the server made of it. */
export async function createSession(
  api: APIRequestContext,
  fields: SessionFields,
): Promise<{ id: string; version: number }> {
  const created = await api.post('/api/v1/meetings/london-2014/sessions', {
    data: { chair: '', rapporteurs: [], topics: [], ...fields },
  });
  expect(created.status(), `add the session “${fields.title}”`).toBe(201);
  return (await created.json()) as { id: string; version: number };
}

/** A session of London 2014 assigned to the test rapporteur, added by the secretariat. */
export async function rapporteurSession(fields: Omit<SessionFields, 'rapporteurs'>): Promise<string> {
  const admin = await apiAs(ADMIN);
  const session = await createSession(admin, { ...fields, rapporteurs: [await userId(admin, RAPPORTEUR)] });
  await admin.dispose();
  return session.id;
}

/** Ends a session a spec started, so that no other spec finds it live. */
export async function endSession(sessionId: string): Promise<void> {
  if (!sessionId) return;
  const rap = await apiAs(RAPPORTEUR);
  await rap.post(`/api/v1/sessions/${sessionId}/end`);
  await rap.dispose();
}

export const TOPIC = 'building-international-capability';

/** What the tours of every page (a11y.spec.ts, focus.spec.ts) show. */
export interface TourData {
  /** A live session of the test rapporteur's, with two notes. */
  sessionId: string;
  /** An action owned by New Zealand, promoted from the session's second note. */
  actionId: string;
  /** A register entry of New Zealand's on TOPIC. */
  entryId: string;
  /** A word of the entry's summary, to search for. */
  word: string;
}

/** Makes the data of a tour; followup is a New Zealand follow-up account that exists. */
export async function tourData(followup: Account): Promise<TourData> {
  const sessionId = await rapporteurSession({
    title: `Tour session ${Date.now().toString(36)}`,
    start: '2014-07-11T09:00:00+01:00',
    end: '2014-07-11T09:45:00+01:00',
    room: 'Room 4',
  });
  const rap = await apiAs(RAPPORTEUR);
  expect((await rap.post(`/api/v1/sessions/${sessionId}/start`)).status()).toBe(200);
  for (const text of ['The chair opened the session.', 'New Zealand to host a workshop on electronic evidence.']) {
    const note = await rap.post(`/api/v1/sessions/${sessionId}/notes`, {
      data: { client_id: crypto.randomUUID(), text, marking: 'all' },
    });
    expect(note.status()).toBe(201);
  }
  const action = await rap.post(`/api/v1/sessions/${sessionId}/notes/2/action`, {
    data: { owner: 'NZ', due: '2015-06-30', title: `Host a workshop on electronic evidence ${Date.now().toString(36)}` },
  });
  expect(action.status()).toBe(201);
  const actionId = ((await action.json()) as { id: string }).id;
  await rap.dispose();

  const nz = await apiAs(followup);
  const word = `Kaikoura${Date.now().toString(36)}`;
  const entry = await nz.post('/api/v1/register', {
    data: {
      title: `Workshop on electronic evidence ${Date.now().toString(36)}`,
      summary: `A workshop for prosecutors held at ${word}.`,
      lead_delegation: 'NZ',
      lead_agency: 'Crown Law',
      partner_delegations: ['AU'],
      audiences: ['prosecutors', 'judiciary'],
      format: 'training',
      status: 'completed',
      start_date: '2014-11-03',
      end_date: '2014-11-04',
      topics: [TOPIC],
      references: [],
    },
  });
  expect(entry.status(), `add the register entry: ${await entry.text()}`).toBe(201);
  const entryId = ((await entry.json()) as { id: string }).id;
  await nz.dispose();
  return { sessionId, actionId, entryId, word };
}
