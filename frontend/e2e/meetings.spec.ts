import { expect, test } from '@playwright/test';
import { ADMIN } from './accounts';
import { contextFor } from './helpers';

// The secretariat's year without a terminal (issue 10, item 1): the next
// meeting set up from the last, every invalid field named at once, edited,
// closed early and reopened with the reasons in its history, and deleted
// while empty.

test('the secretariat sets up the next meeting, edits, closes, reopens and deletes it', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  await page.getByRole('button', { name: 'Set up the next meeting' }).click();
  const form = page.getByRole('form', { name: /^The meeting after / });
  // Prefilled from the last meeting: its delegations ticked, a title to change.
  await expect(form.getByRole('checkbox', { name: /Canada/ })).toBeChecked();
  await expect(form.getByLabel('Title')).not.toHaveValue('');

  // A year far off, so that the id (city and year) is this run's own.
  const year = 2040 + Math.floor(Math.random() * 50);
  const title = `Quintet of Attorneys General, Wellington ${year}`;
  await form.getByLabel('Title').fill('');
  await form.getByLabel('City').fill('Wellington');
  await form.getByLabel('Time zone').fill('Pacific/Nowhere');
  await form.getByLabel('First day').fill(`${year}-03-10`);
  await form.getByLabel('Last day').fill(`${year}-03-09`);
  await form.getByRole('button', { name: 'Create the meeting' }).click();
  // Every mistake at once, each next to its field.
  await expect(form.locator('#mf-new-title-error')).toContainText('Enter a title.');
  await expect(form.locator('#mf-new-zone-error')).toContainText('“Pacific/Nowhere” is not a time zone; choose one from the list.');
  await expect(form.locator('#mf-new-end-error')).toContainText('The last day is before the first.');

  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Host delegation').selectOption('NZ');
  await form.getByLabel('Time zone').fill('Pacific/Auckland');
  await form.getByLabel('Last day').fill(`${year}-03-12`);
  await form.getByRole('button', { name: 'Create the meeting' }).click();
  await expect(page).toHaveURL(new RegExp(`#/meetings/wellington-${year}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.locator('.title-row .badge')).toHaveText('Planned');

  // Edit.
  await page.getByRole('button', { name: 'Edit meeting' }).click();
  const edit = page.getByRole('form', { name: 'Edit the meeting' });
  await edit.getByLabel('Venue').fill('Parliament Buildings');
  await edit.getByRole('button', { name: 'Save the meeting' }).click();
  await expect(page.locator('.meeting-facts')).toContainText('Parliament Buildings');

  // Close early and reopen, each with its reason in the history.
  await page.getByRole('button', { name: 'Close meeting' }).click();
  const closing = page.getByRole('form', { name: 'Close the meeting' });
  await closing.getByRole('button', { name: 'Close the meeting' }).click();
  await expect(closing.locator('#meeting-status-reason-error')).toContainText('Say why the meeting closes early.');
  await closing.getByLabel('Why it closes early').fill('Postponed by the host');
  await closing.getByRole('button', { name: 'Close the meeting' }).click();
  await expect(page.locator('.title-row .badge')).toHaveText('Closed');
  await expect(page.getByTestId('meeting-history')).toContainText('Closed by Secretariat');
  await expect(page.getByTestId('meeting-history')).toContainText('Postponed by the host');
  await page.getByRole('button', { name: 'Reopen meeting' }).click();
  const reopening = page.getByRole('form', { name: 'Reopen the meeting' });
  await reopening.getByLabel('Why it reopens').fill('New dates agreed');
  await reopening.getByRole('button', { name: 'Reopen the meeting' }).click();
  await expect(page.getByTestId('meeting-history').locator('li')).toHaveCount(2);
  await expect(page.locator('.title-row .badge')).not.toHaveText('Closed');

  // Empty, so it can be deleted.
  await page.getByRole('button', { name: 'Delete meeting' }).click();
  await expect(page).toHaveURL(/#\/meetings$/);
  await expect(page.getByRole('link', { name: title })).toHaveCount(0);
  await context.close();
});

test('on a phone the meeting form does not overflow', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN, { viewport: { width: 390, height: 844 } });
  await page.getByRole('button', { name: 'New meeting' }).click();
  await expect(page.getByRole('form', { name: 'New meeting' })).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  // A meeting with sessions offers no delete.
  await page.goto('/#/meetings/london-2014');
  await expect(page.getByRole('button', { name: 'Edit meeting' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete meeting' })).toHaveCount(0);
  await context.close();
});
