import { expect, test, type Page } from '@playwright/test';
import { DELEGATE_CA, RAPPORTEUR } from './accounts';
import { apiAs, rapporteurSession } from './api';
import { setNetwork, signIn, uniqueTitle } from './helpers';

// The offline shell (issue 13, item 1): the app and the answers of the API
// it read are kept by a service worker, so a reload without network still
// shows the agenda, labelled as offline; signing out leaves none of it.

/** Waits until the service worker controls the page (it claims it on activation). */
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, undefined, {
    timeout: 20_000,
  });
}

/** Everything the app keeps in this browser, as text: Cache Storage, IndexedDB, localStorage. */
async function keptText(page: Page): Promise<{ caches: string[]; cached: string; idb: string; local: string }> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    let cached = '';
    for (const n of names) {
      const c = await caches.open(n);
      for (const req of await c.keys()) {
        if (req.url.includes('/api/')) cached += (await (await c.match(req))!.text()) + '\n';
      }
    }
    let idb = '';
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((ok, no) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((ok, no) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => no(r.error);
        });
        idb += JSON.stringify(all);
      }
      db.close();
    }
    return { caches: names, cached, idb, local: JSON.stringify({ ...localStorage }) };
  });
}

test('a reload without network shows the agenda the delegate had, labelled offline; sign-out leaves nothing', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, DELEGATE_CA);
  await controlled(page);
  // The first visit installs the worker; from the next start on it keeps
  // what the app reads (who is signed in, then the agenda).
  await page.reload();
  await page.goto('/#/meetings/london-2014');
  const sessions = page.getByTestId('session');
  await expect(sessions.first()).toBeVisible();
  const count = await sessions.count();
  const first = (await sessions.first().innerText()).split('\n')[0]!.trim();
  await expect(page.getByTestId('offline-label')).toHaveCount(0);

  await setNetwork(context, false);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: /London 2014/ })).toBeVisible();
  await expect(page.getByTestId('offline-label')).toContainText('Offline — showing what');
  await expect(sessions).toHaveCount(count);
  await expect(sessions.first()).toContainText(first);

  // Back on the network, the next answers are fresh and the label goes.
  // (Chromium under Playwright tells the reloaded page it is online all
  // along, so no "online" event can be waited for: the reload is the next
  // answer.)
  await setNetwork(context, true);
  await page.reload();
  await expect(sessions).toHaveCount(count);
  await expect(page.getByTestId('offline-label')).toHaveCount(0);
  const before = await keptText(page);
  expect(before.cached, 'the worker kept the agenda it read').toContain('london-2014');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  const after = await keptText(page);
  expect(after.caches).not.toContain('quintet-api');
  expect(after.cached).not.toContain('london-2014');
  expect(after.cached).not.toContain(DELEGATE_CA.email);
  expect(after.idb).not.toContain('london-2014');
  expect(after.local).not.toContain('quintet.');
  await context.close();
});

test('a delegate following a live session reloads without network, reads the notes it had, and gets the missed ones under a divider', async ({
  browser,
}) => {
  const title = uniqueTitle('Followed from a hotel');
  const sessionId = await rapporteurSession({
    title,
    start: '2014-07-11T10:00:00+01:00',
    end: '2014-07-11T10:45:00+01:00',
    room: 'Room 3',
  });
  const rap = await apiAs(RAPPORTEUR);
  expect((await rap.post(`/api/v1/sessions/${sessionId}/start`)).status()).toBe(200);
  const write = async (text: string) =>
    expect((await rap.post(`/api/v1/sessions/${sessionId}/notes`, { data: { client_id: crypto.randomUUID(), text, marking: 'all' } })).status()).toBe(201);
  const tag = Date.now().toString(36);
  const had = [`The chair welcomed the delegations ${tag}.`, `Canada presented its report ${tag}.`];
  for (const t of had) await write(t);

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, DELEGATE_CA);
  await controlled(page);
  await page.reload();
  await page.goto(`/#/sessions/${encodeURIComponent(sessionId)}`);
  const notes = page.getByTestId('note');
  await expect(notes).toHaveCount(2);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  // The notes received are kept in the browser (after a short delay, so that a burst is written once).
  await expect.poll(async () => (await keptText(page)).local).toContain(had[1]);

  await setNetwork(context, false);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('offline-label')).toContainText('Offline — showing what you had at');
  await expect(notes).toHaveCount(2);
  for (const t of had) await expect(notes.filter({ hasText: t })).toHaveCount(1);

  const missed = [1, 2, 3].map((i) => `Written while the delegate was offline, ${i} ${tag}`);
  for (const t of missed) await write(t);
  await expect(notes).toHaveCount(2);

  await setNetwork(context, true);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  // Connected again, the server is reached: the label goes without a reload.
  await expect(page.getByTestId('offline-label')).toHaveCount(0);
  await expect(notes).toHaveCount(5);
  await expect(page.getByTestId('catch-up-divider')).toHaveText(/^3 new since \d\d:\d\d$/);
  // The divider sits right above the first missed note, and the missed ones are marked.
  const order = await page.locator('[data-testid="catch-up-divider"], [data-testid="note"]').evaluateAll((els) =>
    els.map((e) => (e.getAttribute('data-testid') === 'note' ? e.textContent ?? '' : '--divider--')),
  );
  expect(order.findIndex((t) => t === '--divider--')).toBe(2);
  for (const t of missed) await expect(notes.filter({ hasText: t }).getByTestId('note-new')).toBeVisible();
  for (const t of had) await expect(notes.filter({ hasText: t }).getByTestId('note-new')).toHaveCount(0);
  await expect(page.getByTestId('announcer')).toContainText(missed[0]!);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  const after = await keptText(page);
  for (const t of [...had, ...missed]) {
    expect(after.local).not.toContain(t);
    expect(after.cached).not.toContain(t);
    expect(after.idb).not.toContain(t);
  }
  await rap.dispose();
  await context.close();
});
