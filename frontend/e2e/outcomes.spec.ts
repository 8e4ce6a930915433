import { expect, test } from '@playwright/test';
import { ADMIN, RAPPORTEUR, type Account } from './accounts';
import { apiAs, endSession, ensureAccount, rapporteurSession } from './api';
import { expectAccessible } from './axe';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// Outcomes as decisions are really made: an agreed outcome says which
// delegations signed and which are pending; the head of the United States
// withdraws its sign-off, saying why, while the secretariat's record page, in
// another browser, shows "US pending" without a reload; the secretariat then
// reopens the outcome, and the sign-offs it had stay in its history.
//
// The heads, the session and the agreed outcome are made here through the
// API, so that this spec needs nothing of the others.

const HEAD_US: Account = { email: 'head.us.outcomes@example.org', name: 'Harriet Sloane' };
const HEAD_GB: Account = { email: 'head.gb.outcomes@example.org', name: 'Hugh Pemberton' };

let sessionId = '';
let outcomeText = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, HEAD_US, ['head'], 'US');
  await ensureAccount(admin, HEAD_GB, ['head'], 'GB');
  sessionId = await rapporteurSession({
    title: uniqueTitle('Sign-off of the guidance on child online safety'),
    start: '2014-07-11T17:00:00+01:00',
    end: '2014-07-11T17:45:00+01:00',
    room: 'Committee room',
  });
  const rap = await apiAs(RAPPORTEUR);
  expect((await rap.post(`/api/v1/sessions/${sessionId}/start`)).status()).toBe(200);
  outcomeText = uniqueTitle('Delegations to publish common guidance on child online safety');
  const note = await rap.post(`/api/v1/sessions/${sessionId}/notes`, {
    data: { client_id: crypto.randomUUID(), text: outcomeText, marking: 'delegations' },
  });
  expect(note.status()).toBe(201);
  const drafted = await rap.post(`/api/v1/sessions/${sessionId}/notes/1/outcome`, { data: { kind: 'recommendation' } });
  expect(drafted.status()).toBe(201);
  const o = (await drafted.json()) as { id: string; version: number; marking: string };
  expect(o.marking).toBe('delegations');
  await rap.dispose();
  const agreed = await admin.patch(`/api/v1/outcomes/${o.id}`, { data: { status: 'agreed', version: o.version } });
  expect(agreed.status()).toBe(200);
  await admin.dispose();
  for (const head of [HEAD_GB, HEAD_US]) {
    const api = await apiAs(head);
    expect((await api.post(`/api/v1/outcomes/${o.id}/sign-offs`)).status()).toBe(200);
    await api.dispose();
  }
});

test.afterAll(() => endSession(sessionId));

test('a head withdraws a sign-off with a reason; the secretariat sees it live and reopens the outcome', async ({ browser }) => {
  const sec = await contextFor(browser, ADMIN);
  const head = await contextFor(browser, HEAD_US);
  const problems = [watchConsole(sec.page), watchConsole(head.page)];
  for (const p of [sec.page, head.page]) await p.goto(`/#/sessions/${sessionId}/record`);

  const secOutcome = sec.page.getByTestId('outcome').filter({ hasText: outcomeText });
  const headOutcome = head.page.getByTestId('outcome').filter({ hasText: outcomeText });
  // The kind is a word, and the sign-off line names who signed and who has not.
  await expect(secOutcome).toContainText('Recommendation');
  await expect(secOutcome.getByTestId('agreement')).toHaveText('agreed — GB, US signed; AU, CA, NZ pending');
  await expect(secOutcome.getByTestId('signed-by')).toContainText(`US (${HEAD_US.name},`);
  await expect(secOutcome.getByTestId('signed-by')).toContainText(`GB (${HEAD_GB.name},`);

  // The head must say why.
  await headOutcome.getByRole('button', { name: 'Withdraw our sign-off' }).click();
  const form = headOutcome.getByRole('form', { name: 'Withdraw the sign-off of US' });
  const reason = form.getByLabel('Why does US withdraw its sign-off?');
  await expect(reason).toBeFocused();
  await form.getByRole('button', { name: 'Withdraw sign-off' }).click();
  await expect(form).toContainText('Say why US withdraws its sign-off.');
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(head.page, 'session record, withdrawing a sign-off with its error');
  const why = 'Our attorney general has not yet cleared the final text.';
  await reason.fill(why);
  await form.getByRole('button', { name: 'Withdraw sign-off' }).click();
  await expect(headOutcome.getByTestId('agreement')).toHaveText('agreed — GB signed; AU, CA, NZ, US pending');
  await expect(headOutcome.getByRole('button', { name: 'Sign off for US' })).toBeVisible();

  // The secretariat's page follows without a reload: who withdrew, and why.
  await expect(secOutcome.getByTestId('agreement')).toContainText('US pending');
  await expect(secOutcome.getByTestId('agreement')).toHaveText('agreed — GB signed; AU, CA, NZ, US pending');
  const history = secOutcome.getByTestId('sign-off-history');
  await expect(history).toContainText(`US’s sign-off`);
  await expect(history).toContainText(`withdrawn by ${HEAD_US.name}`);
  await expect(history).toContainText(why);

  // Reopened: a draft again, the sign-offs it had kept in its history, and
  // the head's page follows too (no sign-off is asked of a draft).
  await secOutcome.getByRole('button', { name: 'Reopen' }).click();
  await expect(secOutcome.getByTestId('agreement')).toHaveText('draft');
  await expect(history).toContainText(`Reopened by ${ADMIN.name}`);
  await expect(history).toContainText('signed until then by GB');
  await expect(secOutcome.getByRole('button', { name: 'Mark agreed' })).toBeVisible();
  await expect(headOutcome.getByTestId('agreement')).toHaveText('draft');
  await expect(headOutcome.getByRole('button', { name: /Sign off|Withdraw/ })).toHaveCount(0);

  // Agreed again, every delegation is asked again.
  await secOutcome.getByRole('button', { name: 'Mark agreed' }).click();
  await expect(secOutcome.getByTestId('agreement')).toHaveText('agreed — none signed yet; AU, CA, GB, NZ, US pending');
  await expect(headOutcome.getByRole('button', { name: 'Sign off for US' })).toBeVisible();

  expect(problems.flat()).toEqual([]);
  await sec.context.close();
  await head.context.close();
});

test('the rapporteur drafts an outcome choosing its kind and marking, shown as words', async ({ browser }) => {
  const { context, page } = await contextFor(browser, RAPPORTEUR);
  await page.goto(`/#/sessions/${sessionId}/record`);
  const form = page.getByRole('form', { name: 'Draft an outcome' });
  const kind = form.getByLabel('Kind');
  await expect(kind.locator('option')).toHaveText(['Decision', 'Recommendation', 'Finding']);
  await kind.selectOption('decision');
  await expect(form.getByLabel('Marking')).toHaveValue('delegations');
  await form.getByLabel('Marking').selectOption('all');
  const text = uniqueTitle('Delegations to settle the wording of the guidance');
  await form.getByLabel('Text').fill(text);
  await form.getByRole('button', { name: 'Add draft' }).click();
  const drafted = page.getByTestId('outcome').filter({ hasText: text });
  await expect(drafted).toContainText('Decision · All · draft');
  await context.close();
});
