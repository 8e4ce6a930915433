import { expect, test, type Page } from '@playwright/test';
import { ADMIN, DELEGATE_CA } from './accounts';
import { apiAs, createSession, TOPIC } from './api';
import { contextFor, openLondon, uniqueTitle, watchConsole } from './helpers';

// Topics (issue 10, item 2): the secretariat adds, renames, describes,
// retires and restores a topic from the web app. A topic keeps its id, so its
// links keep working after a rename; a retired topic is no longer offered for
// new sessions and is listed, marked, after the others. Others read topics
// and see no controls to change them.

/** Opens the topics page from the meetings list. */
async function openTopics(page: Page) {
  await page.goto('/#/meetings');
  await page.getByRole('main').getByRole('link', { name: 'Topics', exact: true }).click();
  await expect(page).toHaveURL(/#\/topics$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Topics' })).toBeFocused();
}

/** The topics London 2014's "Add a session" form offers. */
async function offeredForNewSession(page: Page): Promise<string[]> {
  await page.goto('/#/meetings');
  await openLondon(page);
  await page.getByRole('button', { name: 'Add session' }).click();
  const group = page.getByRole('form', { name: 'Add a session' }).getByRole('group', { name: 'Topics' });
  await expect(group.getByRole('checkbox').first()).toBeVisible();
  const offered = await group.locator('label').allTextContents();
  await page.getByRole('form', { name: 'Add a session' }).getByRole('button', { name: 'Cancel' }).click();
  return offered.map((s) => s.trim());
}

test('the secretariat adds, renames, retires and restores a topic; its old link still opens it', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  const problems = watchConsole(page);
  await openTopics(page);

  // A wrong first try: every wrong field is named at once, the first focused.
  await page.getByRole('button', { name: 'New topic' }).click();
  const form = page.getByRole('form', { name: 'New topic' });
  await form.getByLabel('Slug').fill('Not a slug!');
  await form.getByRole('button', { name: 'Add the topic' }).click();
  await expect(form.getByTestId('error-summary')).toContainText('Please correct 2 fields');
  await expect(form.getByLabel('Name')).toBeFocused();
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');

  // A slug another topic holds: the server's answer goes next to the field.
  const name = uniqueTitle('Cross-border evidence');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Slug').fill(TOPIC);
  await form.getByRole('button', { name: 'Add the topic' }).click();
  await expect(form.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('.field-error').filter({ hasText: 'already exists' })).toBeVisible();
  await expect(form.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');

  // Left empty, the slug is made from the name.
  await form.getByLabel('Slug').fill('');
  await form.getByLabel('Description').fill('Getting evidence held abroad.');
  await form.getByRole('button', { name: 'Add the topic' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
  await expect(page).toHaveURL(/#\/topics\/[^/]+$/);
  const oldLink = page.url();
  const id = decodeURIComponent(oldLink.split('#/topics/')[1]!);
  const api = await apiAs(ADMIN);
  const made = (await (await api.get(`/api/v1/topics/${encodeURIComponent(id)}`)).json()) as { slug: string; version: number };
  expect(made.slug).toMatch(/^cross-border-evidence-[a-z0-9]+$/);

  // Rename and describe it.
  const renamed = uniqueTitle('Evidence across borders');
  await page.getByRole('button', { name: 'Edit topic' }).click();
  const edit = page.getByRole('form', { name: 'Edit the topic' });
  await expect(edit.getByLabel('Slug')).toHaveCount(0);
  await edit.getByLabel('Name').fill(renamed);
  await edit.getByLabel('Description').fill('Getting evidence held abroad, and the treaties for it.');
  await edit.getByRole('button', { name: 'Save the topic' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expect(page.getByTestId('topic-message')).toHaveText('Saved.');
  await expect(page.getByText('and the treaties for it.')).toBeVisible();

  // Someone else changes it while the form is open: nothing is overwritten,
  // the page says so and shows the topic as it is now.
  await page.getByRole('button', { name: 'Edit topic' }).click();
  await edit.getByLabel('Name').fill('My edit, made on an old version');
  const theirs = uniqueTitle('Evidence abroad');
  const current = (await (await api.get(`/api/v1/topics/${encodeURIComponent(id)}`)).json()) as { version: number };
  expect((await api.patch(`/api/v1/topics/${encodeURIComponent(id)}`, { data: { title: theirs, version: current.version } })).status()).toBe(200);
  await edit.getByRole('button', { name: 'Save the topic' }).click();
  await expect(page.getByTestId('conflict')).toContainText(`Someone else changed this topic while you were editing: it is now named “${theirs}”`);
  await expect(page.getByRole('heading', { level: 1, name: theirs })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit topic' })).toBeFocused();

  // The old link, and the slug, still open the renamed topic.
  await page.goto('/#/meetings');
  await page.goto(oldLink);
  await expect(page.getByRole('heading', { level: 1, name: theirs })).toBeVisible();
  await page.goto(`/#/topics/${made.slug}`);
  await expect(page.getByRole('heading', { level: 1, name: theirs })).toBeVisible();
  expect(await offeredForNewSession(page)).toContain(theirs);

  // Retired: marked, listed after the others, not offered for new sessions.
  await page.goto(oldLink);
  await page.getByRole('button', { name: 'Retire topic' }).click();
  await expect(page.getByTestId('topic-retired')).toHaveText('Retired');
  await expect(page.getByRole('button', { name: 'Restore topic' })).toBeFocused();
  expect(await offeredForNewSession(page)).not.toContain(theirs);
  await openTopics(page);
  const items = page.getByTestId('topic');
  const item = items.filter({ has: page.getByRole('link', { name: theirs, exact: true }) });
  await expect(item.getByTestId('retired')).toHaveText('Retired');
  const flags = await items.evaluateAll((els) => els.map((e) => e.classList.contains('retired')));
  expect(flags.indexOf(true), 'some topic is retired').toBeGreaterThan(0);
  expect(flags.slice(flags.indexOf(true)).every(Boolean), 'the retired topics come last').toBe(true);
  await item.getByRole('link', { name: theirs }).click();
  await expect(page).toHaveURL(oldLink);
  await expect(page.getByRole('heading', { level: 1, name: theirs })).toBeFocused();

  // Restored: offered again.
  await page.getByRole('button', { name: 'Restore topic' }).click();
  await expect(page.getByRole('button', { name: 'Retire topic' })).toBeFocused();
  await expect(page.getByTestId('topic-retired')).toHaveCount(0);
  expect(await offeredForNewSession(page)).toContain(theirs);

  await api.dispose();
  expect(problems).toEqual([]);
  await context.close();
});

test('a delegate reads topics but sees no controls to change them', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  await openTopics(page);
  await expect(page.getByTestId('topic').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'New topic' })).toHaveCount(0);
  await page.goto(`/#/topics/${TOPIC}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByTestId('lineage')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit topic' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Retire|Restore) topic$/ })).toHaveCount(0);
  // The server refuses a delegate's change, whatever the page shows.
  const api = await apiAs(DELEGATE_CA);
  expect((await api.patch(`/api/v1/topics/${TOPIC}`, { data: { title: 'Not mine to change', version: 1 } })).status()).toBe(403);
  await api.dispose();
  await context.close();
});

test('the session pages link to the meeting record', async ({ browser }) => {
  const admin = await apiAs(ADMIN);
  const session = await createSession(admin, {
    title: uniqueTitle('Record links'),
    start: '2014-07-10T16:00:00+01:00',
    end: '2014-07-10T16:30:00+01:00',
    room: 'Room 9',
  });
  await admin.dispose();
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  for (const hash of [`#/sessions/${session.id}/record`, `#/sessions/${session.id}`]) {
    await page.goto(`/${hash}`);
    await page.getByRole('main').getByRole('link', { name: 'Meeting record', exact: true }).click();
    await expect(page).toHaveURL(/#\/meetings\/london-2014\/record$/);
    await expect(page.getByRole('heading', { level: 1, name: /Record of .*London 2014/ })).toBeFocused();
  }
  await context.close();
});
