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
