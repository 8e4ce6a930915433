import { expect, test, type APIRequestContext, type Browser, type Page, type WebSocket } from '@playwright/test';
import { ADMIN, DELEGATE_CA, RAPPORTEUR } from './accounts';
import { createSession, userId } from './api';
import { contextFor, openLondon, uniqueTitle, watchConsole } from './helpers';

// Live notes in two browser contexts: the rapporteur writes, a Canadian
// delegate follows. Each test makes its own session (a session goes live
// once), assigned to the rapporteur by the secretariat through the API.

interface Note {
  seq: number;
  client_id: string;
  text: string;
  marking: string;
  amends?: number;
  written_at?: string;
}

/** The secretariat, signed in on a browser context of its own; tests use its API. */
const secretariat = (browser: Browser) => contextFor(browser, ADMIN);

/** Creates a session on the last day of London 2014 with the rapporteur assigned; starts it when asked. */
async function newSession(api: APIRequestContext, { start }: { start: boolean }) {
  const title = uniqueTitle('Live test');
  const session = await createSession(api, {
    title,
    start: '2014-07-11T13:00:00Z',
    end: '2014-07-11T14:00:00Z',
    room: 'Room 2',
  });
  // Assigned as the brief's secretariat would: an edit of the session.
  const patched = await api.patch(`/api/v1/sessions/${session.id}`, {
    data: { rapporteurs: [await userId(api, RAPPORTEUR)], version: session.version },
  });
  expect(patched.status()).toBe(200);
  if (start) expect((await api.post(`/api/v1/sessions/${session.id}/start`)).status()).toBe(200);
  return { id: session.id, title };
}

/**
 * The cast of a test on a session already live: the secretariat, the
 * rapporteur and the Canadian delegate, each in a browser context of their
 * own, none of them on the session's page yet.
 */
async function liveCast(browser: Browser, rapOptions: Parameters<typeof contextFor>[2] = {}) {
  const admin = await secretariat(browser);
  const session = await newSession(admin.page.request, { start: true });
  const rap = await contextFor(browser, RAPPORTEUR, rapOptions);
  const del = await contextFor(browser, DELEGATE_CA);
  const close = () => Promise.all([admin.context.close(), rap.context.close(), del.context.close()]);
  return { admin, session, rap, del, close };
}

async function storedNotes(api: APIRequestContext, sessionId: string): Promise<Note[]> {
  const res = await api.get(`/api/v1/sessions/${sessionId}/notes?after=0`);
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

async function openSession(page: Page, id: string) {
  await page.goto(`/#/sessions/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(connection(page)).toHaveAttribute('data-state', 'connected');
}

const connection = (page: Page) => page.getByTestId('connection-status');
const notes = (page: Page) => page.getByTestId('note');
const noteWith = (page: Page, text: string) => notes(page).filter({ hasText: text });

/** Writes a note in the console and posts it with Enter. */
async function post(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Note' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/** The seqs of the notes a page shows, in order. */
async function shownSeqs(page: Page): Promise<number[]> {
  return (await notes(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq')))));
}

/** Records the note seqs each of a page's WebSockets received, as they arrived on the wire. */
function watchSockets(page: Page) {
  const sockets: { ws: WebSocket; seqs: number[]; closed: boolean }[] = [];
  page.on('websocket', (ws) => {
    const entry = { ws, seqs: [] as number[], closed: false };
    sockets.push(entry);
    ws.on('close', () => (entry.closed = true));
    ws.on('framereceived', (f) => {
      for (const line of String(f.payload).split('\n')) {
        try {
          const m = JSON.parse(line);
          if (m.type === 'note') entry.seqs.push(m.note.seq);
        } catch {
          // not JSON
        }
      }
    });
  });
  return sockets;
}

test('a note posted by the rapporteur reaches a delegate within a second, with its marking, times and amendment', async ({
  browser,
}) => {
  const admin = await secretariat(browser);
  const session = await newSession(admin.page.request, { start: false });

  const rap = await contextFor(browser, RAPPORTEUR, { timezoneId: 'Europe/London' });
  const rapProblems = watchConsole(rap.page);
  await openSession(rap.page, session.id);
  const consolePanel = rap.page.getByTestId('console');
  await expect(consolePanel.getByRole('radio', { name: 'Delegations' })).toBeChecked();
  await expect(consolePanel.getByTestId('marking-readers')).toHaveText(
    'Read by members of delegations and the secretariat',
  );
  await consolePanel.getByRole('button', { name: 'Start session' }).click();
  await expect(rap.page.getByTestId('session-status')).toHaveText('Live');

  // The delegate, in Ottawa, finds the session under "Live now" on the agenda.
  const del = await contextFor(browser, DELEGATE_CA, { timezoneId: 'America/Toronto' });
  const delProblems = watchConsole(del.page);
  await openLondon(del.page);
  await del.page.getByTestId('live-now').getByRole('link', { name: session.title }).click();
  await expect(del.page.getByRole('heading', { level: 1, name: session.title })).toBeVisible();
  await expect(connection(del.page)).toHaveAttribute('data-state', 'connected');
  await expect(del.page.getByTestId('no-notes')).toBeVisible();
  await expect(del.page.getByTestId('console')).toHaveCount(0);

  const first = `The Attorney General welcomed the delegations ${Date.now()}`;
  await rap.page.getByRole('textbox', { name: 'Note' }).fill(first);
  await rap.page.getByRole('textbox', { name: 'Note' }).press('Enter');
  const seen = noteWith(del.page, first);
  await expect(seen).toBeVisible({ timeout: 1000 });

  await expect(seen.getByTestId('note-marking')).toHaveText(/Delegations/);
  await expect(seen).toContainText(RAPPORTEUR.name);
  // Written "now": the meeting's clock is London's, the reader's Toronto's.
  await expect(seen.locator('time')).toHaveText(/^\d\d:\d\d London$/);
  await expect(seen).toContainText('your time');
  await expect(notes(del.page)).toHaveCount(1);
  // Screen readers hear it once, through the live region.
  await expect(del.page.getByTestId('announcer')).toHaveText(`New note from ${RAPPORTEUR.name}: ${first}`);

  // Shift+Enter makes a new line; Enter posts.
  const box = rap.page.getByRole('textbox', { name: 'Note' });
  await box.fill('Line one');
  await box.press('Shift+Enter');
  await box.pressSequentially('line two');
  await expect(box).toHaveValue('Line one\nline two');
  await box.press('Enter');
  await expect(noteWith(del.page, 'line two').getByTestId('note-text')).toHaveText('Line one\nline two');

  // A note marked for heads of delegation never reaches a delegate: the next
  // note does, and the one before it is not there.
  await rap.page.getByTestId('console').getByRole('radio', { name: 'Heads' }).check();
  await post(rap.page, 'For heads only');
  await rap.page.getByTestId('console').getByRole('radio', { name: 'Delegations' }).check();
  await post(rap.page, 'After the heads note');
  await expect(noteWith(del.page, 'After the heads note')).toBeVisible();
  await expect(noteWith(del.page, 'For heads only')).toHaveCount(0);
  expect(await shownSeqs(del.page)).toEqual([1, 2, 4]);

  // An amendment: both notes stay, linked both ways.
  await noteWith(rap.page, first).getByRole('button', { name: 'Amend note 1' }).click();
  await expect(rap.page.getByTestId('amending')).toContainText('Amending note 1');
  await post(rap.page, 'Correction: the Attorney General of England and Wales');
  const amendment = noteWith(del.page, 'Correction:');
  await expect(amendment).toContainText('Amends note 1');
  await expect(noteWith(del.page, first)).toContainText('Amended by note 5');
  await amendment.getByRole('button', { name: 'note 1' }).click();
  await expect(noteWith(del.page, first)).toBeFocused();

  // The outbox emptied as the server acknowledged each note.
  await expect(rap.page.getByTestId('outbox')).toHaveCount(0);
  expect(await rap.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quintet.outbox')))).toEqual(
    [],
  );
  expect(rapProblems).toEqual([]);
  expect(delProblems).toEqual([]);
  await Promise.all([admin.context.close(), rap.context.close(), del.context.close()]);
});

test('a delegate who goes offline while 5 notes are posted shows each of them once when back online', async ({
  browser,
}) => {
  const { admin, session, rap, del, close } = await liveCast(browser);
  await openSession(rap.page, session.id);

  const sockets = watchSockets(del.page);
  await openSession(del.page, session.id);
  await post(rap.page, 'Before the link dropped');
  await expect(noteWith(del.page, 'Before the link dropped')).toBeVisible();
  expect(sockets).toHaveLength(1);

  // Offline. Chromium keeps an open WebSocket "open" under emulated offline
  // (it holds its traffic until the network returns), so the client drops
  // the socket itself on the browser's "offline" event, as it would on a
  // train going into a tunnel. Make sure it really is closed before posting.
  await del.context.setOffline(true);
  await expect(connection(del.page)).toHaveAttribute('data-state', 'offline');
  await expect.poll(() => sockets[0]!.closed || sockets[0]!.ws.isClosed()).toBe(true);
  const lost = sockets.length;

  const texts = [1, 2, 3, 4, 5].map((i) => `While the delegate was away, ${i}`);
  for (const t of texts) await post(rap.page, t);
  for (const t of texts) await expect(noteWith(rap.page, t)).toHaveCount(1);
  expect((await storedNotes(admin.page.request, session.id)).length).toBe(6);
  // Nothing of them reached the delegate: no socket of theirs carried them.
  expect(sockets.flatMap((s) => s.seqs).filter((seq) => seq > 1)).toEqual([]);
  await expect(notes(del.page)).toHaveCount(1);

  await del.context.setOffline(false);
  await expect(connection(del.page)).toHaveAttribute('data-state', 'connected');
  await expect(del.page.getByTestId('catch-up')).toHaveText(/^Caught up — 5 new notes since \d\d:\d\d$/);
  await expect(notes(del.page)).toHaveCount(6);
  for (const t of texts) await expect(noteWith(del.page, t)).toHaveCount(1);
  expect(await shownSeqs(del.page)).toEqual([1, 2, 3, 4, 5, 6]);
  // They came by the catch-up of a new connection, which resumed after seq 1.
  expect(sockets.length).toBeGreaterThan(lost);
  await expect.poll(() => sockets.at(-1)!.seqs).toEqual([2, 3, 4, 5, 6]);
  await expect(del.page.getByTestId('announcer')).toContainText('Caught up — 5 new notes');

  // And the link stays live.
  await post(rap.page, 'After the delegate came back');
  await expect(noteWith(del.page, 'After the delegate came back')).toBeVisible();
  expect(await shownSeqs(del.page)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  await close();
});

test('notes written offline wait in the outbox, survive a reload, and reach the delegate once each', async ({
  browser,
}) => {
  // Without the service worker's offline shell (offline.spec.ts tests it):
  // the outbox must survive a reload that cannot even load the app.
  const { admin, session, rap, del, close } = await liveCast(browser, { serviceWorkers: 'block' });
  await openSession(del.page, session.id);
  await openSession(rap.page, session.id);
  await rap.context.setOffline(true);
  await expect(connection(rap.page)).toHaveAttribute('data-state', 'offline');

  const texts = ['Offline one', 'Offline two', 'Offline three'];
  for (const t of texts) await post(rap.page, t);
  await expect(rap.page.getByTestId('outbox-count')).toHaveText('3 notes waiting to send');
  await expect(rap.page.getByTestId('outbox-entry')).toHaveCount(3);
  const queued: { client_id: string; text: string }[] = await rap.page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('quintet.outbox'));
    return key ? JSON.parse(localStorage.getItem(key)!) : [];
  });
  expect(queued.map((e) => e.text)).toEqual(texts);
  expect(await storedNotes(admin.page.request, session.id)).toEqual([]);

  // Reloading while offline: the browser cannot load the app, which is gone
  // from memory; only the browser's storage holds the notes now.
  await expect(rap.page.reload()).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);

  // Back online, the page loads again and sends what its outbox holds.
  await rap.context.setOffline(false);
  await openSession(rap.page, session.id);
  for (const t of texts) await expect(noteWith(del.page, t)).toHaveCount(1);
  await expect(notes(del.page)).toHaveCount(3);
  expect(await shownSeqs(del.page)).toEqual([1, 2, 3]);
  for (const t of texts) await expect(noteWith(rap.page, t)).toHaveCount(1);
  await expect(rap.page.getByTestId('outbox')).toHaveCount(0);
  expect(await rap.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quintet.outbox')))).toEqual(
    [],
  );

  // Stored once each, in order, under the client ids chosen before the reload.
  const stored = await storedNotes(admin.page.request, session.id);
  expect(stored.map((n) => [n.seq, n.text, n.client_id, n.marking])).toEqual(
    queued.map((q, i) => [i + 1, q.text, q.client_id, 'delegations']),
  );
  await close();
});

test('notes written offline go from any page: the rapporteur moves to the board, comes back online there, and each note arrives once with its written time', async ({
  browser,
}) => {
  const { admin, session, rap, del, close } = await liveCast(browser);
  await openSession(del.page, session.id);
  await openSession(rap.page, session.id);
  await rap.context.setOffline(true);
  await expect(connection(rap.page)).toHaveAttribute('data-state', 'offline');
  const texts = ['Board one', 'Board two', 'Board three'];
  for (const t of texts) await post(rap.page, t);
  await expect(rap.page.getByTestId('outbox-count')).toHaveText('3 notes waiting to send');
  const queued: { client_id: string; queued_at: string }[] = await rap.page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('quintet.outbox'));
    return key ? JSON.parse(localStorage.getItem(key)!) : [];
  });

  // Another page of the app, still offline: the notes wait, and it says so.
  await rap.page.getByRole('link', { name: 'Actions' }).first().click();
  await expect(rap.page.getByTestId('outbox-waiting')).toContainText('3 notes waiting to be sent');
  expect(await storedNotes(admin.page.request, session.id)).toEqual([]);

  // Back online on the board: the notes go from there, once each.
  await rap.context.setOffline(false);
  await expect(rap.page.getByTestId('outbox-waiting')).toHaveCount(0);
  for (const t of texts) await expect(noteWith(del.page, t)).toHaveCount(1);
  await expect(notes(del.page)).toHaveCount(3);
  const stored = await storedNotes(admin.page.request, session.id);
  expect(stored.map((n) => [n.text, n.client_id])).toEqual(texts.map((t, i) => [t, queued[i]!.client_id]));
  // Each keeps the time it was written, not the time the link let it through.
  for (const [i, n] of stored.entries()) expect(Date.parse(n.written_at!)).toBe(Date.parse(queued[i]!.queued_at));
  expect(await rap.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quintet.outbox')))).toEqual([]);
  await close();
});
