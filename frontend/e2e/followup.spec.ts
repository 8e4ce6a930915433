import { expect, test, type Page } from '@playwright/test';
import { ADMIN, RAPPORTEUR, type Account } from './accounts';
import { apiAs, endSession, ensureAccount, rapporteurSession } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// Outcomes and actions in the browser: a rapporteur promotes a note to an
// action owned by Canada; Canada's follow-up files a progress report and
// marks it in progress while the secretariat's board follows live; two
// follow-up members edit the same action and the second is told plainly.
//
// The follow-up accounts and the session are made here through the API, as
// the secretariat would, so that this spec needs nothing of the others.

const FOLLOWUP_A: Account = { email: 'followup.ca.a@example.org', name: 'Fiona Gagnon' };
const FOLLOWUP_B: Account = { email: 'followup.ca.b@example.org', name: 'Frank Leblanc' };

let sessionId = '';
let noteText = '';
let actionId = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  for (const a of [FOLLOWUP_A, FOLLOWUP_B]) await ensureAccount(admin, a, ['followup'], 'CA');
  await admin.dispose();
  sessionId = await rapporteurSession({
    title: uniqueTitle('Follow-up of guidance for prosecutors'),
    start: '2014-07-11T16:00:00+01:00',
    end: '2014-07-11T16:45:00+01:00',
    room: 'Committee room',
  });

  const rap = await apiAs(RAPPORTEUR);
  expect((await rap.post(`/api/v1/sessions/${sessionId}/start`)).status()).toBe(200);
  noteText = uniqueTitle('Canada to publish guidance on digital evidence for prosecutors');
  const note = await rap.post(`/api/v1/sessions/${sessionId}/notes`, {
    data: { client_id: crypto.randomUUID(), text: noteText, marking: 'all' },
  });
  expect(note.status()).toBe(201);
  await rap.dispose();
});

test.afterAll(() => endSession(sessionId));

test('a rapporteur promotes a note to an action owned by Canada', async ({ browser }) => {
  const { context, page } = await contextFor(browser, RAPPORTEUR);
  const problems = watchConsole(page);
  await page.goto(`/#/sessions/${sessionId}/record`);
  const note = page.getByTestId('note').filter({ hasText: noteText });
  await note.getByRole('button', { name: 'Promote to action' }).click();
  const form = note.getByRole('form', { name: 'New action' });
  await expect(form.getByLabel('Title')).toHaveValue(noteText);
  await form.getByLabel('Owner delegation').selectOption('CA');
  await form.getByLabel('Due date').fill('2015-06-30');
  await form.getByRole('button', { name: 'Create action' }).click();
  await expect(page.getByTestId('record-message')).toContainText('Action created for CA');

  await page.getByRole('link', { name: 'Open the action' }).click();
  await expect(page.getByRole('heading', { level: 1, name: noteText })).toBeVisible();
  await expect(page.getByTestId('owner')).toHaveText('CA');
  await expect(page.getByText('note #1')).toBeVisible();
  actionId = decodeURIComponent(page.url().split('#/actions/')[1] ?? '');
  expect(actionId).not.toBe('');
  // The rapporteur reads the action but does not edit it.
  await expect(page.getByRole('form', { name: 'Update the action' })).toHaveCount(0);
  expect(problems).toEqual([]);
  await context.close();
});

function row(page: Page, id: string) {
  return page.locator(`[data-testid="action-row"][data-id="${id}"]`);
}

test("Canada's follow-up files a report and marks it in progress; the secretariat's board shows it live", async ({
  browser,
}) => {
  expect(actionId).not.toBe('');
  const sec = await contextFor(browser, ADMIN);
  await sec.page.goto('/#/actions');
  await expect(sec.page.getByRole('heading', { level: 1, name: 'Actions' })).toBeVisible();
  const canada = sec.page.locator('[data-testid="board-column"][data-delegation="CA"]');
  await expect(canada).toBeVisible();
  await expect(row(sec.page, actionId).getByTestId('action-status')).toHaveText('Open');

  const fu = await contextFor(browser, FOLLOWUP_A);
  const problems = watchConsole(fu.page);
  await fu.page.goto(`/#/actions/${actionId}`);
  const form = fu.page.getByRole('form', { name: 'Update the action' });
  await form.getByLabel('Status').selectOption('in-progress');
  await form.getByLabel('Progress (%)').fill('30');
  await form.getByLabel('Progress report').fill('Guidance drafted; consultation with the judiciary under way.');
  await form.getByRole('button', { name: 'File report' }).click();
  await expect(fu.page.getByTestId('status')).toHaveText('In progress');
  await expect(fu.page.getByTestId('progress')).toHaveText('30%');
  const trail = fu.page.getByTestId('reports');
  await expect(trail).toContainText('Guidance drafted; consultation with the judiciary under way.');
  await expect(trail).toContainText(FOLLOWUP_A.name);

  // No reload on the secretariat's side: the change arrives on the meeting channel.
  await expect(row(sec.page, actionId).getByTestId('action-status')).toHaveText('In progress');
  await expect(row(sec.page, actionId)).toContainText('30%');
  expect(problems).toEqual([]);
  await fu.context.close();
  await sec.context.close();
});

test('two follow-up members edit the same action: the second sees the conflict', async ({ browser }) => {
  expect(actionId).not.toBe('');
  const a = await contextFor(browser, FOLLOWUP_A);
  const b = await contextFor(browser, FOLLOWUP_B);
  await a.page.goto(`/#/actions/${actionId}`);
  await b.page.goto(`/#/actions/${actionId}`);
  const formA = a.page.getByRole('form', { name: 'Update the action' });
  const formB = b.page.getByRole('form', { name: 'Update the action' });
  await expect(formA).toBeVisible();
  await expect(formB).toBeVisible();

  await formA.getByLabel('Progress (%)').fill('50');
  await formA.getByRole('button', { name: 'Save' }).click();
  await expect(a.page.getByTestId('progress')).toHaveText('50%');

  await formB.getByLabel('Progress (%)').fill('60');
  await formB.getByRole('button', { name: 'Save' }).click();
  const conflict = b.page.getByTestId('conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict).toHaveText(
    new RegExp(`^Updated by ${FOLLOWUP_A.name} at \\d{2}:\\d{2} — review their change, then save again\\.$`),
  );
  // Their change is shown; nothing of B's was saved.
  await expect(b.page.getByTestId('progress')).toHaveText('50%');
  // Having reviewed it, B saves again, and it lands.
  await formB.getByRole('button', { name: 'Save' }).click();
  await expect(b.page.getByTestId('progress')).toHaveText('60%');
  await expect(conflict).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
