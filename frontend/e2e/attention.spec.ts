import { expect, test } from '@playwright/test';
import { ADMIN, type Account } from './accounts';
import { apiAs, ensureAccount } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// What needs you, in the browser: New Zealand's follow-up member sees their
// delegation's overdue action and never the one marked heads, and turns
// the e-mail reminders off; the switch holds after a reload.

const FOLLOWUP_NZ: Account = { email: 'followup.nz.attention@example.org', name: 'Nikau Walker' };

let open = '';
let heads = '';

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  open = uniqueTitle('Share the digital evidence guide with the judiciary');
  heads = uniqueTitle('Brief the heads on the extradition request');
  for (const [title, marking] of [
    [open, 'delegations'],
    [heads, 'heads'],
  ]) {
    const r = await admin.post('/api/v1/actions', {
      data: { title, owner: 'NZ', due: '2015-06-30', meeting_id: 'london-2014', marking },
    });
    expect(r.status()).toBe(201);
  }
  await admin.dispose();
});

test('a follow-up member reads what needs them and turns the e-mails off', async ({ browser }) => {
  const { context, page } = await contextFor(browser, FOLLOWUP_NZ);
  const problems = watchConsole(page);
  await page.getByRole('link', { name: 'What needs you' }).click();
  await expect(page.getByRole('heading', { name: 'What needs you' })).toBeVisible();
  const item = page.getByRole('listitem').filter({ hasText: open });
  await expect(item).toContainText('Overdue');
  await expect(item.getByRole('link', { name: open })).toHaveAttribute('href', /#\/actions\//);
  await expect(page.getByText(heads)).toHaveCount(0);

  const reminders = page.getByRole('checkbox', { name: /E-mail me this list/ });
  await expect(reminders).toBeChecked();
  await reminders.uncheck();
  await expect(reminders).not.toBeChecked();
  await expect(reminders).toBeEnabled();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: /E-mail me this list/ })).not.toBeChecked();
  expect(problems).toEqual([]);
  await context.close();
});
