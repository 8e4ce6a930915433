import { expect, test } from '@playwright/test';
import { ADMIN } from './accounts';
import { contextFor, signIn } from './helpers';

test('a wrong password shows the server’s message, and sign-out returns to sign-in', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.getByTestId('form-error');
  await expect(error).not.toBeEmpty();
  await expect(page.getByLabel('Password')).toHaveValue('');

  await signIn(page, ADMIN);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  // The login is gone on the server too.
  expect((await page.request.get('/api/v1/me')).status()).toBe(401);
});

test('the set-up page says when set-up is already done', async ({ page }) => {
  await page.goto('/#/setup?secret=whatever');
  await expect(page.getByRole('heading', { level: 1, name: 'Set up Quintet' })).toBeVisible();
  await expect(page.getByText('Quintet is already set up.')).toBeVisible();
});

test('the pages keep to the content security policy', async ({ browser, page }) => {
  const violations: string[] = [];
  const watch = (p: typeof page) =>
    p.on('console', (msg) => {
      if (/Content.Security.Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });

  watch(page);
  const res = await page.goto('/');
  expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  const admin = await contextFor(browser, ADMIN);
  watch(admin.page);
  await admin.page.reload();
  await admin.page.getByRole('link', { name: /London 2014/ }).click();
  await expect(admin.page.getByTestId('topics')).toBeVisible();
  await admin.page.getByRole('button', { name: 'Add session' }).click();
  await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(admin.page.getByTestId('user').first()).toBeVisible();
  await admin.context.close();
  expect(violations).toEqual([]);
});

// Last, as it spends sign-in attempts of this machine's address.
test('too many attempts are met with the rate-limit message', async ({ page }) => {
  await page.goto('/#/signin');
  await page.getByLabel('Email').fill('nobody-in-particular@example.org');
  const error = page.getByTestId('form-error');
  for (let i = 0; i < 12; i++) {
    await page.getByLabel('Password').fill(`wrong-password-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect(error).not.toBeEmpty();
    if (/wait/i.test((await error.textContent()) ?? '')) break;
  }
  await expect(error).toContainText(/too many/i);
  await expect(error).toContainText(/wait/i);
});
