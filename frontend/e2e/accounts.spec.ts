import { expect, test, type Page } from '@playwright/test';
import { ADMIN, PASSWORD, type Account } from './accounts';
import { apiAs, userId } from './api';
import { contextFor, signIn } from './helpers';

// Accounts (issue 10, item 6): a user changes their own password, and their
// sign-in in another browser ends; the secretariat issues a set-password
// link, which works once.

// Fresh accounts per run: the specs change their passwords.
function freshAccount(prefix: string): Account {
  const n = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { email: `${prefix}-${n}@example.org`, name: `${prefix} ${n}` };
}

async function createAccount(account: Account): Promise<string> {
  const admin = await apiAs(ADMIN);
  const res = await admin.post('/api/v1/users', {
    data: { email: account.email, name: account.name, roles: ['observer'], delegation: '', password: PASSWORD },
  });
  expect(res.status(), `add ${account.email}`).toBe(201);
  const id = await userId(admin, account);
  await admin.dispose();
  return id;
}

async function fill(page: Page, label: string, value: string) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

test('a user changes their password; their sign-in elsewhere ends', async ({ browser }) => {
  const who = freshAccount('changer');
  await createAccount(who);
  const here = await browser.newContext();
  const elsewhere = await browser.newContext();
  const page = await here.newPage();
  const other = await elsewhere.newPage();
  await signIn(page, who);
  await signIn(other, who);

  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeFocused();

  // A wrong current password is named next to its field; nothing changes.
  await fill(page, 'Current password', 'not my password');
  await fill(page, 'New password', 'a brand new passphrase');
  await fill(page, 'New password again', 'a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('The current password is wrong; type it again.').first()).toBeVisible();

  await fill(page, 'Current password', PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password is changed' })).toBeVisible();

  // This browser stays signed in; the other is signed out on its next request.
  await page.goto('/#/meetings');
  await expect(page.getByTestId('user-name')).toHaveText(who.name);
  await other.goto('/#/actions');
  await other.reload();
  await expect(other.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // The new password signs in; the old one does not.
  await signIn(other, who, 'a brand new passphrase');
  await here.close();
  await elsewhere.close();
});

test('the secretariat issues a set-password link; it works once', async ({ browser }) => {
  const who = freshAccount('reset');
  await createAccount(who);
  const { context: adminContext, page: admin } = await contextFor(browser, ADMIN);
  await admin.goto('/#/users');
  await admin.getByLabel('Find a user').fill(who.email);
  await admin.getByRole('button', { name: `Set-password link for ${who.name}` }).click();
  const link = await admin.getByTestId('reset-link').inputValue();
  expect(link).toContain('/#/set-password?token=qr_');
  await adminContext.close();

  const userContext = await browser.newContext();
  const page = await userContext.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
  await fill(page, 'New password', 'short');
  await fill(page, 'New password again', 'short');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('at least 10 characters').first()).toBeVisible();
  await fill(page, 'New password', 'set through the link');
  await fill(page, 'New password again', 'set through the link');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
  await expect(page.getByTestId('user-name')).toHaveText(who.name);
  await userContext.close();

  // The second use is refused with the reason.
  const again = await browser.newContext();
  const second = await again.newPage();
  await second.goto(link);
  await fill(second, 'New password', 'and yet another one');
  await fill(second, 'New password again', 'and yet another one');
  await second.getByRole('button', { name: 'Set password' }).click();
  await expect(second.getByText('This set-password link does not work').first()).toBeVisible();
  await again.close();
});
