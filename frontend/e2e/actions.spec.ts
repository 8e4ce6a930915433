import { expect, test, type Page } from '@playwright/test';
import { ADMIN, FOLLOWUP_NZ } from './accounts';
import { apiAs, ensureAccount, TOPIC } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// Actions as a follow-up team lives with them, in the browser: New Zealand's
// follow-up member creates an action on its own (from a meeting, not a note),
// is asked to confirm a due date in the past and told of every invalid field
// at once; hands the action to Canada and sees the handover in its history;
// and, on a phone, filters the board by topic: the URL holds the filter, a
// reload keeps it, and nothing overflows sideways.

let topicTitle = '';
let tagged = ''; // an action of New Zealand's under TOPIC
let untagged = ''; // one under no topic

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  const topic = await admin.get(`/api/v1/topics/${TOPIC}`);
  expect(topic.status()).toBe(200);
  topicTitle = ((await topic.json()) as { title: string }).title;
  await admin.dispose();

  const nz = await apiAs(FOLLOWUP_NZ);
  const make = async (title: string, topics: string[]) => {
    const r = await nz.post('/api/v1/actions', {
      data: { title, owner: 'NZ', due: '2015-06-30', meeting_id: 'london-2014', topics, marking: 'delegations' },
    });
    expect(r.status(), await r.text()).toBe(201);
    return ((await r.json()) as { title: string }).title;
  };
  tagged = await make(uniqueTitle('Train prosecutors on cross-border evidence'), [TOPIC]);
  untagged = await make(uniqueTitle('Review the mutual assistance treaty list'), []);
  await nz.dispose();
});

/** The action's row (a card on a phone) in the board's list. */
const row = (page: Page, title: string) => page.getByTestId('action-row').filter({ hasText: title });

test('a follow-up member creates an action on its own, confirming a past due date, then hands it over', async ({ browser }) => {
  const { context, page } = await contextFor(browser, FOLLOWUP_NZ);
  const problems = watchConsole(page);
  await page.goto('/#/actions');
  await page.getByRole('link', { name: 'New action' }).click();
  await expect(page).toHaveURL(/#\/actions\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'New action' })).toBeFocused();

  const form = page.getByRole('form', { name: 'New action' });
  // A follow-up member owns actions for their own delegation only.
  const owner = form.getByLabel('Owner delegation');
  await expect(owner).toHaveValue('NZ');
  await expect(owner.locator('option:not([value=""])')).toHaveText(['New Zealand (NZ)']);

  await form.getByLabel('Meeting').selectOption('london-2014');
  await form.getByLabel('Due date', { exact: true }).fill('2014-01-01');
  const confirm = form.getByLabel(/has passed: save it anyway/);
  await expect(confirm).toBeVisible();
  await form.getByRole('button', { name: 'Create action' }).click();
  // Every invalid field at once, each message next to its field.
  await expect(form.getByTestId('error-summary')).toContainText('Please correct 2 fields');
  await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Title')).toBeFocused();
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[id$="-due_confirm-error"]')).toHaveText(/tick to confirm it/);

  // Confirmed, the date goes to the server, which holds it to the meeting's start.
  const title = uniqueTitle('Publish the guidance on seizing cloud data');
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill('A short guide for investigators, shared with the other four.');
  await form.getByLabel('Agency').fill('New Zealand Police');
  await form.getByLabel('Contact person').fill('Mere Parata');
  await form.getByRole('group', { name: 'Topics' }).getByLabel(topicTitle).check();
  await confirm.check();
  await form.getByRole('button', { name: 'Create action' }).click();
  const due = form.getByLabel('Due date', { exact: true });
  await expect(due).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[id$="-due-error"]')).toContainText('cannot be before the meeting');

  // Another past date asks again; confirmed, it is saved.
  await due.fill('2014-12-31');
  await expect(confirm).not.toBeChecked();
  await confirm.check();
  await form.getByRole('button', { name: 'Create action' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('owner')).toHaveText('NZ');
  await expect(page.getByText('Contact Mere Parata')).toBeVisible();
  await expect(page.getByText('No change since it was created')).toBeVisible();

  // Handing it to Canada: a recorded event in its history.
  await page.getByRole('button', { name: /^Edit title, owner, due date/ }).click();
  const edit = page.getByRole('form', { name: 'Edit the action' });
  await expect(edit.getByLabel('Title')).toHaveValue(title);
  await edit.getByLabel('Owner delegation').selectOption('CA');
  await edit.getByLabel('Agency').fill('RCMP');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('owner')).toHaveText('CA');
  const entry = page.getByTestId('history-entry').first();
  await expect(entry).toHaveAttribute('data-kind', 'handed over');
  await expect(entry).toContainText(/^Handed from NZ to CA by Aroha Ngata on \d{1,2} \w{3} \d{4}, \d{2}:\d{2}/);
  await expect(entry).toContainText('Agency: New Zealand Police → RCMP');
  // A reload shows the history as the server keeps it.
  await page.reload();
  await expect(page.getByTestId('history-entry').first()).toContainText('Handed from NZ to CA by Aroha Ngata');

  // The one refusal is the server's, of the date before the meeting.
  expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  expect(problems).toHaveLength(1);
  await context.close();
});

test('on a phone the board filters by topic, keeps the filter in the URL across a reload, and does not overflow', async ({ browser }) => {
  const { context, page } = await contextFor(browser, FOLLOWUP_NZ, { viewport: { width: 390, height: 844 } });
  const problems = watchConsole(page);
  await page.goto('/#/actions');
  await expect(row(page, tagged)).toBeVisible();
  await expect(row(page, untagged)).toBeVisible();

  const filters = page.getByRole('form', { name: 'Filter the actions' });
  await filters.getByLabel('Topic').selectOption(TOPIC);
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`#/actions\\?topic=${TOPIC}$`));
  await expect(row(page, tagged)).toBeVisible();
  await expect(row(page, untagged)).toHaveCount(0);
  await expect(page.getByTestId('actions-count')).toContainText('match the filters');

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`#/actions\\?topic=${TOPIC}$`));
  await expect(page.getByRole('form', { name: 'Filter the actions' }).getByLabel('Topic')).toHaveValue(TOPIC);
  await expect(row(page, tagged)).toBeVisible();
  await expect(row(page, untagged)).toHaveCount(0);

  // Cards, not a table wider than the phone.
  const card = row(page, tagged);
  await expect(card).toHaveCSS('display', 'block');
  const box = await card.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390, `the card ${JSON.stringify(box)} fits the phone`).toBe(true);
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);

  // A sort joins the filter in the URL.
  await filters.getByLabel('Sort by').selectOption('-progress');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`#/actions\\?topic=${TOPIC}&sort=-progress$`));
  await expect(row(page, tagged)).toBeVisible();

  expect(problems).toEqual([]);
  await context.close();
});
