import { expect, test, type Page } from '@playwright/test';
import { DELEGATE_CA } from './accounts';
import { signIn } from './helpers';

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

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: /London 2014/ })).toBeVisible();
  await expect(page.getByTestId('offline-label')).toContainText('Offline — showing what');
  await expect(sessions).toHaveCount(count);
  await expect(sessions.first()).toContainText(first);

  await context.setOffline(false);
  await expect(page.getByTestId('offline-label')).toHaveCount(0);
  await page.reload();
  await expect(sessions).toHaveCount(count);
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
