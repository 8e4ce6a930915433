import { expect, request, test } from '@playwright/test';
import { ADMIN, BASE_URL, DELEGATE_CA } from './accounts';
import { contextFor, openLondon } from './helpers';

// The agenda everywhere (issue 10, item 5): a printable agenda, the agenda
// as a calendar file, and a delegation's actions feed issued and revoked
// from the web app rather than by an API call.

test('a delegate prints the agenda and takes it into a calendar', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  await openLondon(page);
  const sessions = await page.getByTestId('session').count();
  expect(sessions).toBeGreaterThan(2);

  const printable = await page.request.get((await page.getByRole('link', { name: 'Printable agenda' }).getAttribute('href'))!);
  expect(printable.headers()['content-type']).toContain('text/html');
  expect(await printable.text()).toContain('Day 1 — Wednesday 9 July 2014');

  const ics = page.getByRole('link', { name: /Add the agenda to your calendar/ });
  const [download] = await Promise.all([page.waitForEvent('download'), ics.click()]);
  expect(download.suggestedFilename()).toBe('london-2014-agenda.ics');
  const text = (await page.request.get((await ics.getAttribute('href'))!)).text();
  expect((await text).match(/BEGIN:VEVENT/g)?.length).toBe(sessions);

  const pdf = await page.request.get((await page.getByRole('link', { name: 'Agenda as PDF' }).getAttribute('href'))!);
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await context.close();
});

test('the secretariat issues a delegation’s actions feed, read without a login, then revokes it', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeFocused();
  const feed = page.getByTestId('calendar-feed');
  await feed.getByLabel('Delegation').selectOption('CA');
  await feed.getByRole('button', { name: 'Issue a feed URL' }).click();
  await expect(feed.getByRole('status')).toContainText('Issued a new feed for CA');
  const url = await feed.getByLabel(/Feed URL/).inputValue();
  expect(url).toMatch(/\/api\/v1\/calendar\/[^/]+\.ics$/);

  // A calendar application: no cookie, no login.
  const calendarApp = await request.newContext({ baseURL: BASE_URL });
  const read = await calendarApp.get(url);
  expect(read.status()).toBe(200);
  expect(read.headers()['content-type']).toContain('text/calendar');

  await feed.getByRole('button', { name: 'Revoke the feed' }).click();
  await expect(feed.getByRole('status')).toContainText('Revoked the feed for CA');
  expect((await calendarApp.get(url)).status()).toBe(404);
  await calendarApp.dispose();
  await context.close();
});

test('a delegate subscribes to the agenda, read by a calendar without a login, then revokes it', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeFocused();
  const card = page.getByTestId('agenda-feed');
  await card.getByRole('button', { name: /^(Subscribe to the agenda|Issue a new agenda URL)$/ }).click();
  await expect(card.getByRole('status')).toContainText('Your agenda subscription is ready');
  const webcal = await card.getByLabel(/^Calendar link/).inputValue();
  const url = await card.getByLabel(/^Web address/).inputValue();
  expect(url).toMatch(/^https?:\/\/[^/]+\/api\/v1\/agenda-feed\/qa_[^/]+\.ics$/);
  expect(webcal).toBe(url.replace(/^https?:/, 'webcal:'));
  await expect(card.getByRole('link', { name: 'Open the subscription in your calendar application' })).toHaveAttribute('href', webcal);

  // A calendar application: a plain request context, no cookie, no login.
  const calendarApp = await request.newContext({ baseURL: BASE_URL });
  const read = await calendarApp.get(url);
  expect(read.status()).toBe(200);
  expect(read.headers()['content-type']).toContain('text/calendar');
  const ics = (await read.text()).replace(/\r\n[ \t]/g, ''); // unfolded
  const events = ics.split('BEGIN:VEVENT').slice(1);
  expect(events.length).toBeGreaterThan(2);
  // London 2014's sessions — every one the delegate reads signed in, those
  // other tests added included — at their London times, with London's zone.
  expect(ics).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/London\r\n/);
  const signedIn = (await (await page.request.get('/api/v1/meetings/london-2014/sessions?limit=500')).json()) as {
    items: { id: string }[];
  };
  const byUid = new Map(events.map((e) => [/\r\nUID:([^\r\n]+)\r\n/.exec(`\r\n${e}`)?.[1] ?? '', e]));
  expect(signedIn.items.length).toBeGreaterThan(2);
  for (const { id } of signedIn.items) {
    const e = byUid.get(`${id}@quintet`);
    expect(e, `the event of session ${id}`).toBeTruthy();
    expect(e).toMatch(/\r\nDTSTART;TZID=Europe\/London:201407\d\dT\d{6}\r\n/);
    expect(e).toMatch(/\r\nDTEND;TZID=Europe\/London:201407\d\dT\d{6}\r\n/);
  }

  await card.getByRole('button', { name: 'Revoke the subscription' }).click();
  await expect(card.getByRole('status')).toContainText('Your agenda subscription is revoked');
  await expect(card.getByLabel(/^Web address/)).toHaveCount(0);
  expect((await calendarApp.get(url)).status()).toBe(404);
  await calendarApp.dispose();
  await context.close();
});
