import { expect, test } from '@playwright/test';
import { ADMIN } from './accounts';
import { apiAs } from './api';
import { contextFor } from './helpers';

// Importing accounts from a CSV file (issue 10, item 6): the secretariat's
// file with a bad row is refused whole, every bad row named and no account
// opened; the corrected file opens every account, each with a one-time
// set-password link, which its person uses in a browser of their own to set
// a first password and sign in.

test('the secretariat imports accounts from CSV; a link from the import sets the first password', async ({ browser }) => {
  const n = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const ann = { email: `ann-${n}@example.org`, name: `Ann Import ${n}` };
  const bob = { email: `bob-${n}@example.org`, name: `Bob Import ${n}` };
  const header = 'name,email,roles,delegation';
  const bad = [
    header,
    `${ann.name},${ann.email},delegate;head,GB`,
    `${bob.name},${bob.email},chair,`,
    `Cat Import ${n},not-an-address,observer,`,
  ].join('\n');
  const good = [header, `${ann.name},${ann.email},delegate;head,GB`, `${bob.name},${bob.email},observer,`].join('\n');

  const { context: adminContext, page } = await contextFor(browser, ADMIN);
  await page.goto('/#/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeFocused();
  await page.getByRole('button', { name: 'Import accounts from CSV' }).click();
  const form = page.getByRole('form', { name: 'Import accounts from CSV' });
  await expect(form.getByLabel('CSV file')).toBeFocused();

  // The file as the secretariat picks it; the form counts its accounts.
  await form.getByLabel('CSV file').setInputFiles({ name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(form.getByTestId('import-count')).toHaveText('3 accounts to import from accounts.csv.');
  await form.getByRole('button', { name: 'Import accounts' }).click();

  // Every bad row is named, with its line; the field is marked and focused.
  const problems = form.getByTestId('import-problems');
  await expect(problems).toBeVisible();
  await expect(problems.getByRole('listitem')).toHaveText([
    /^Line 3: There is no role "chair"/,
    /^Line 4: The e-mail address "not-an-address" is not valid/,
  ]);
  const rows = form.getByLabel('Rows to import');
  await expect(rows).toHaveAttribute('aria-invalid', 'true');
  await expect(rows).toBeFocused();

  // Nothing was opened, not even the good row's account.
  const admin = await apiAs(ADMIN);
  const list = await admin.get('/api/v1/users');
  expect(list.status()).toBe(200);
  const emails = ((await list.json()) as { items: { email: string }[] }).items.map((u) => u.email);
  expect(emails).not.toContain(ann.email);
  expect(emails).not.toContain(bob.email);

  // Corrected in the form, the file goes through.
  await rows.fill(good);
  await expect(form.getByTestId('import-count')).toHaveText('2 accounts to import from accounts.csv.');
  await form.getByRole('button', { name: 'Import accounts' }).click();
  const done = page.getByRole('region', { name: 'Imported 2 accounts' });
  await expect(done.getByRole('heading', { name: 'Imported 2 accounts' })).toBeFocused();
  await expect(done.getByTestId('links-once')).toContainText('shown only once');
  const imported = done.getByTestId('imported-account');
  await expect(imported).toHaveCount(2);
  await expect(imported.nth(0)).toContainText(ann.email);
  await expect(imported.nth(0)).toContainText('Delegate, Head of delegation (GB)');
  await expect(imported.nth(1)).toContainText(bob.email);
  const link = await done.getByLabel(`Set-password link for ${bob.name}`).inputValue();
  expect(link).toMatch(/\/#\/set-password\?token=qr_/);
  await done.getByRole('button', { name: `Copy the link for ${bob.name}` }).click();
  await expect(done.getByRole('status')).toContainText(`the link for ${bob.name}`);
  await done.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('button', { name: 'Import accounts from CSV' })).toBeFocused();
  await page.getByLabel('Find a user').fill(bob.email);
  await expect(page.getByTestId('user')).toHaveCount(1);
  await adminContext.close();

  // Bob, in a browser of his own: no password opens the account yet.
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await bobPage.goto('/#/signin');
  await bobPage.getByLabel('Email').fill(bob.email);
  await bobPage.getByLabel('Password').fill('a guess at a password');
  await bobPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(bobPage.getByText('Wrong email or password.').first()).toBeVisible();

  // The link sets his first password and signs him in.
  await bobPage.goto(link);
  await expect(bobPage.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
  await bobPage.getByLabel('New password', { exact: true }).fill('bob imported this one');
  await bobPage.getByLabel('New password again', { exact: true }).fill('bob imported this one');
  await bobPage.getByRole('button', { name: 'Set password' }).click();
  await expect(bobPage.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
  await expect(bobPage.getByTestId('user-name')).toHaveText(bob.name);
  await bobContext.close();

  // And the password signs in afresh, elsewhere.
  const again = await browser.newContext();
  const againPage = await again.newPage();
  await againPage.goto('/#/signin');
  await againPage.getByLabel('Email').fill(bob.email);
  await againPage.getByLabel('Password').fill('bob imported this one');
  await againPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(againPage.getByTestId('user-name')).toHaveText(bob.name);
  await again.close();
  await admin.dispose();
});
