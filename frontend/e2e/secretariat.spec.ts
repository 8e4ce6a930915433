import { expect, test } from '@playwright/test';
import { ADMIN, DELEGATE_CA } from './accounts';
import { contextFor, day, openLondon, sessionItem, startNewSession, uniqueTitle } from './helpers';

test('editing a session someone else changed shows their version and saves on the second try', async ({
  browser,
}) => {
  const a = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  const b = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  const title = uniqueTitle('Plenary on mutual legal assistance');

  // A adds a session on day three.
  await openLondon(a.page);
  const add = await startNewSession(a.page, { title, day: '2014-07-11', starts: '15:00', ends: '16:00' });
  await add.getByRole('button', { name: 'Add session' }).click();
  await expect(sessionItem(a.page, title)).toBeVisible();

  // B opens it for editing, then A moves it.
  await openLondon(b.page);
  const bItem = sessionItem(b.page, title);
  await bItem.getByRole('button', { name: /^Edit/ }).click();
  const bForm = b.page.getByRole('form', { name: 'Edit session' });
  await bForm.getByLabel('Room').fill('Room B');

  const aItem = sessionItem(a.page, title);
  await aItem.getByRole('button', { name: /^Edit/ }).click();
  const aForm = a.page.getByRole('form', { name: 'Edit session' });
  await aForm.getByLabel('Starts').fill('15:30');
  await aForm.getByLabel('Ends').fill('16:30');
  await aForm.getByRole('button', { name: 'Save changes' }).click();
  await expect(aItem.getByTestId('session-times')).toHaveText('15:30–16:30 London');

  // B saves: refused, shown A's version, keeps B's edit.
  await bForm.getByRole('button', { name: 'Save changes' }).click();
  const conflict = bForm.getByTestId('conflict');
  await expect(conflict).toContainText('This session was changed by someone else — review and save again');
  await expect(conflict).toContainText('15:30–16:30 London');
  await expect(bForm.getByLabel('Room')).toHaveValue('Room B');

  // B takes A's times and saves again.
  await bForm.getByRole('button', { name: 'Discard my changes and use theirs' }).click();
  await expect(bForm.getByLabel('Starts')).toHaveValue('15:30');
  await bForm.getByLabel('Room').fill('Room B');
  await bForm.getByRole('button', { name: 'Save changes' }).click();
  await expect(bItem).toContainText('Room B');
  await expect(bItem.getByTestId('session-times')).toHaveText('15:30–16:30 London');

  await a.context.close();
  await b.context.close();
});

test('field errors from the server appear next to the field', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  await openLondon(page);
  await page.getByRole('button', { name: 'Add session' }).click();
  const form = page.getByRole('form', { name: 'Add a session' });
  await form.getByRole('button', { name: 'Add session' }).click();
  await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#sf-new-title-error')).toHaveText('Enter a title.');
  await expect(form.getByLabel('Title')).toBeFocused();

  // More than twelve hours is refused by the server, which names the end field.
  await form.getByLabel('Title').fill('Too long');
  await form.getByLabel('Starts').fill('08:00');
  await form.getByLabel('Ends').fill('21:00');
  await form.getByRole('button', { name: 'Add session' }).click();
  await expect(form.getByLabel('Ends')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#sf-new-end-error')).not.toBeEmpty();
  await expect(form.getByTestId('form-error')).toBeEmpty();
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toHaveCount(0);
  await context.close();
});

test('the secretariat deletes a scheduled session after confirming', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN, { timezoneId: 'Europe/London' });
  const title = uniqueTitle('Session to remove');
  await openLondon(page);
  const form = await startNewSession(page, { title, day: '2014-07-09', starts: '17:00', ends: '17:30' });
  await form.getByRole('button', { name: 'Add session' }).click();

  const item = sessionItem(day(page, '2014-07-09'), title);
  await item.getByRole('button', { name: /^Delete/ }).click();
  await expect(item.getByText(`Delete “${title}” from the agenda?`)).toBeVisible();
  await item.getByRole('button', { name: 'Keep it' }).click();
  await expect(item).toBeVisible();
  await item.getByRole('button', { name: /^Delete/ }).click();
  await item.getByRole('button', { name: 'Delete session' }).click();
  await expect(page.getByTestId('agenda-status')).toContainText(`Deleted “${title}”`);
  await expect(sessionItem(page, title)).toHaveCount(0);
  await context.close();
});

test('the secretariat creates a user, changes their roles and disables them', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await expect(page.getByTestId('user').filter({ hasText: DELEGATE_CA.email })).toBeVisible();

  const email = `${uniqueTitle('nz').replace(/\s+/g, '.')}@example.org`.toLowerCase();
  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill('Aroha Ngata');
  await form.getByLabel('Delegation', { exact: true }).selectOption('NZ');
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.locator('#nu-password-error')).toContainText('at least 10 characters');
  await expect(form.getByLabel('Initial password')).toBeFocused();
  await form.getByLabel('Initial password').fill('a-long-enough-password');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText(`Created Aroha Ngata (${email})`);

  const item = page.getByTestId('user').filter({ hasText: email });
  await expect(item).toContainText('Delegate');
  await expect(item).toContainText('New Zealand');

  await item.getByRole('button', { name: /^Change roles/ }).click();
  await item.getByRole('checkbox', { name: /^Head of delegation/ }).check();
  await item.getByRole('button', { name: 'Save roles' }).click();
  await expect(item).toContainText('Head of delegation');

  await item.getByRole('button', { name: /^Disable/ }).click();
  await expect(item).toContainText('Disabled');
  await item.getByRole('button', { name: /^Enable/ }).click();
  await expect(item.getByText('Disabled', { exact: true })).toHaveCount(0);

  // A second user with the same email is refused, next to the email field.
  await page.getByRole('button', { name: 'Add user' }).click();
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill('Someone Else');
  await form.getByLabel('Delegation', { exact: true }).selectOption('NZ');
  await form.getByLabel('Initial password').fill('a-long-enough-password');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await context.close();
});
