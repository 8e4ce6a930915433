import { expect, test } from '@playwright/test';
import { ADMIN, DELEGATE_CA, RAPPORTEUR } from './accounts';
import { apiAs, createSession } from './api';
import { contextFor, day, openLondon, sessionItem, signIn, startNewSession, uniqueTitle, watchConsole } from './helpers';

// The five topics of the London meeting, as the press release lists them.
const TOPICS = [
  /freedom of expression, social media and contempt of court/i,
  /privacy and information sharing/i,
  /cyberbullying/i,
  /international cooperation in cross-border investigations and prosecutions/i,
  /building international capability/i,
];

test('the secretariat adds a session on day two and a Canadian delegate sees it with times', async ({ browser }) => {
  const title = uniqueTitle('Working group on e-evidence');

  // The secretariat, in London.
  const admin = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  const problems = watchConsole(admin.page);
  const page = admin.page;
  await openLondon(page);

  const topics = page.getByTestId('topics');
  await expect(topics.getByRole('listitem')).toHaveCount(5);
  for (const t of TOPICS) await expect(topics.getByRole('heading', { name: t })).toBeVisible();

  const form = await startNewSession(page, { title, day: '2014-07-10', starts: '17:00', ends: '18:15' });
  await form.getByLabel('Room').fill('Meeting room 3');
  await form.getByRole('checkbox', { name: /international cooperation/i }).check();
  await form.getByLabel('Chair').selectOption({ label: 'Secretariat' });
  await form.getByRole('checkbox', { name: RAPPORTEUR.name }).check();
  await form.getByRole('button', { name: 'Add session' }).click();

  await expect(page.getByTestId('agenda-status')).toContainText(`Added “${title}” on Thursday 10 July 2014`);
  const added = sessionItem(day(page, '2014-07-10'), title);
  await expect(added).toBeVisible();
  await expect(added.getByTestId('session-times')).toHaveText('17:00–18:15 London');
  await expect(added).toContainText('Meeting room 3');
  await expect(added).toContainText(RAPPORTEUR.name);
  await expect(added).toContainText('Scheduled');

  // 17:00 in London in July is 16:00 UTC (British Summer Time).
  const sessions = (await (await page.request.get('/api/v1/meetings/london-2014/sessions')).json()).items;
  const stored = sessions.find((s: { title: string }) => s.title === title);
  expect(stored.start).toBe('2014-07-10T16:00:00Z');
  expect(stored.end).toBe('2014-07-10T17:15:00Z');
  expect(problems).toEqual([]);

  // A Canadian delegate, in Ottawa, in another browser context.
  const delegate = await contextFor(browser, DELEGATE_CA, { timezoneId: 'America/Toronto' });
  await openLondon(delegate.page);
  const seen = sessionItem(day(delegate.page, '2014-07-10'), title);
  await expect(seen).toBeVisible();
  await expect(seen.getByTestId('session-times')).toContainText('17:00–18:15 London');
  await expect(seen.getByTestId('session-times')).toContainText('12:00–13:15 your time (America/Toronto)');
  await expect(seen).toContainText(/Chair\s*Secretariat/);
  await expect(seen).toContainText(RAPPORTEUR.name);
  await expect(seen.getByText(/international cooperation/i)).toBeVisible();

  await admin.context.close();
  await delegate.context.close();
});

test('a delegate sees neither the agenda controls nor user management', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, DELEGATE_CA);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  await openLondon(page);
  await expect(page.getByTestId('session').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add session' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);

  await page.goto('/#/users');
  await expect(page.getByText('Only the secretariat manages accounts.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add user' })).toHaveCount(0);
  // The server agrees: a delegate cannot open accounts.
  const res = await page.request.post('/api/v1/users', {
    data: { email: 'x@example.org', name: 'X', roles: ['admin'], password: 'long-enough-1' },
  });
  expect(res.status()).toBe(403);
  expect(problems).toEqual([]);
});

/** Adds hours to both ends of "09:30–10:30", wrapping at midnight. */
function shift(range: string, hours: number): string {
  return range
    .split('–')
    .map((t) => {
      const [h, m] = t.split(':').map(Number) as [number, number];
      return `${String((h + hours + 24) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    })
    .join('–');
}

test('the agenda shows times in the viewer’s zone only when its clock differs', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA, { timezoneId: 'Europe/London' });
  await openLondon(page);
  const first = day(page, '2014-07-09').getByTestId('session').first();
  const times = first.getByTestId('session-times');
  await expect(times).toHaveText(/^\s*\d\d:\d\d–\d\d:\d\d London\s*$/);
  const london = ((await times.textContent()) ?? '').trim().replace(' London', '');
  await expect(page.getByText(/your time/)).toHaveCount(0);
  await context.close();

  // Sydney in July (AEST, UTC+10) is nine hours ahead of London (BST, UTC+1).
  const sydney = await contextFor(browser, DELEGATE_CA, { timezoneId: 'Australia/Sydney' });
  await openLondon(sydney.page);
  const opening = day(sydney.page, '2014-07-09').getByTestId('session').first();
  await expect(opening.getByTestId('session-times')).toContainText(
    `${shift(london, 9)} your time (Australia/Sydney)`,
  );
  await sydney.context.close();
});

test('the session form warns of a room booked at the same time, and saves on the secretariat’s word', async ({ browser }) => {
  const room = uniqueTitle('Clash room');
  const first = uniqueTitle('Bilateral: Australia and New Zealand');
  const api = await apiAs(ADMIN);
  await createSession(api, { title: first, start: '2014-07-10T14:00:00+01:00', end: '2014-07-10T15:00:00+01:00', room });
  await api.dispose();

  const { page, context } = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  await openLondon(page);
  const title = uniqueTitle('Side event on e-evidence');
  const form = await startNewSession(page, { title, day: '2014-07-10', starts: '14:30', ends: '15:30' });
  const warnings = form.getByTestId('session-warnings');
  await form.getByLabel('Room').fill(room.toUpperCase());
  await expect(warnings).toContainText(`${room.toUpperCase()} is also booked for “${first}”, 14:00–15:00 London.`);
  await expect(warnings).toContainText('You can still save it.');
  // Starting when the other ends is no clash.
  await form.getByLabel('Starts').fill('15:00');
  await expect(warnings).toHaveText('');
  await form.getByLabel('Starts').fill('14:30');
  await expect(warnings).toContainText(`is also booked for “${first}”`);
  await form.getByRole('button', { name: 'Add session' }).click();
  await expect(page.getByTestId('agenda-status')).toContainText(`Added “${title}”`);
  await expect(sessionItem(day(page, '2014-07-10'), title)).toBeVisible();
  await context.close();
});
