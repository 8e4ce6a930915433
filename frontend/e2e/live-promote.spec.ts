import { expect, test } from '@playwright/test';
import { DELEGATE_CA, RAPPORTEUR } from './accounts';
import { endSession, rapporteurSession } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// Promoting a note from the live page: the rapporteur writes a note in the
// console and, from that note, makes an action owned by Canada and drafts an
// outcome, without leaving the live view. The delegate's view of the same
// note has none of these controls.

let sessionId = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sessionId = await rapporteurSession({
    title: uniqueTitle('Promoting from the live page'),
    start: '2014-07-11T17:00:00+01:00',
    end: '2014-07-11T17:30:00+01:00',
    room: 'Room 3',
  });
});

test.afterAll(() => endSession(sessionId));

test('the rapporteur promotes the note they just wrote to an action owned by Canada, on the live page', async ({
  browser,
}) => {
  const { context, page } = await contextFor(browser, RAPPORTEUR);
  const problems = watchConsole(page);
  await page.goto(`/#/sessions/${sessionId}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await page.getByTestId('console').getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('session-status')).toHaveText('Live');

  const text = uniqueTitle('Canada to share its judicial training on electronic evidence');
  const box = page.getByRole('textbox', { name: 'Note' });
  await box.fill(text);
  await box.press('Enter');
  const note = page.getByTestId('note').filter({ hasText: text });
  await expect(note).toBeVisible();
  const seq = await note.getAttribute('data-seq');

  // Esc closes the panel and gives the focus back to the button that opened it.
  const actionButton = note.getByRole('button', { name: /^Action/ });
  await actionButton.click();
  const form = note.getByRole('form', { name: 'New action' });
  await expect(form.getByLabel('Title')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(actionButton).toBeFocused();

  await actionButton.press('Enter');
  await expect(form.getByLabel('Title')).toHaveValue(text);
  await form.getByLabel('Owner delegation').selectOption('CA');
  await form.getByLabel('Due date').fill('2015-06-30');
  await form.getByRole('button', { name: 'Create action' }).click();
  const promoted = note.getByTestId('promoted');
  await expect(promoted).toContainText('Action created for CA');
  await expect(page).toHaveURL(new RegExp(`#/sessions/${sessionId}$`)); // still on the live page

  // Register links open in place, too.
  await note.getByRole('button', { name: /^Register links/ }).click();
  await expect(note.getByRole('searchbox', { name: 'Find a register entry to link' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(note.getByTestId('note-panel')).toHaveCount(0);

  // An outcome from the same note shows in the console's outcomes.
  await note.getByRole('button', { name: /^Outcome/ }).click();
  const outcomeForm = note.getByRole('form', { name: 'New outcome' });
  await outcomeForm.getByLabel('Kind').selectOption('recommendation');
  await outcomeForm.getByRole('button', { name: 'Draft outcome' }).click();
  await expect(promoted).toContainText('Outcome drafted');
  const consolePanel = page.getByTestId('console');
  await expect(consolePanel.getByTestId('console-outcomes-toggle')).toContainText('1 draft');
  await consolePanel.getByTestId('console-outcomes-toggle').click();
  await expect(consolePanel.getByTestId('console-outcome')).toContainText(text);
  const draft = consolePanel.getByRole('form', { name: 'Draft an outcome' });
  await draft.getByLabel('Text').fill('The meeting welcomed the register of capacity building activity.');
  await draft.getByRole('button', { name: 'Add draft' }).click();
  await expect(consolePanel.getByTestId('console-outcome')).toHaveCount(2);
  await expect(consolePanel.getByTestId('console-outcomes-toggle')).toContainText('2 drafts');
  await page.keyboard.press('Escape');
  await expect(consolePanel.getByTestId('console-outcomes')).toHaveCount(0);

  // The action page shows where the action came from: the session and the note.
  await promoted.getByRole('link', { name: text }).click();
  await expect(page.getByRole('heading', { level: 1, name: text })).toBeVisible();
  await expect(page.getByTestId('owner')).toHaveText('CA');
  await expect(page.getByText(`note #${seq}`)).toBeVisible();
  await expect(page.locator(`a[href="#/sessions/${sessionId}/record"]`)).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});

test('a delegate sees the note without the rapporteur’s controls', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  await page.goto(`/#/sessions/${sessionId}`);
  await expect(page.getByTestId('note').first()).toBeVisible();
  await expect(page.getByTestId('note-tools')).toHaveCount(0);
  await expect(page.getByTestId('console')).toHaveCount(0);
  await context.close();
});
