import { expect, test } from '@playwright/test';
import { ADMIN, FOLLOWUP_NZ, RAPPORTEUR } from './accounts';
import { apiAs, endSession, ensureAccount, rapporteurSession, TOPIC } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// An action drawn from an outcome, in the browser (issue 11, item 1): New
// Zealand's follow-up member opens a session's record, follows "New action
// from this outcome", finds the title proposed from the outcome's first
// sentence, the outcome's words beside the form, the session's topics ticked
// and no marking below the outcome's; the action it creates names the
// outcome and the session as where it comes from. The session's own link
// starts an action from the session; its rapporteur may give one to any
// delegation, as the server allows.

let sessionId = '';
let sessionTitle = '';
let outcomeId = '';
let firstSentence = '';
let topicTitle = '';

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  topicTitle = ((await (await admin.get(`/api/v1/topics/${TOPIC}`)).json()) as { title: string }).title;
  await admin.dispose();
  sessionTitle = uniqueTitle('Training prosecutors on electronic evidence');
  sessionId = await rapporteurSession({
    title: sessionTitle,
    start: '2014-07-11T18:00:00+01:00',
    end: '2014-07-11T18:30:00+01:00',
    room: 'Committee room',
    topics: [TOPIC],
  });
  const rap = await apiAs(RAPPORTEUR);
  expect((await rap.post(`/api/v1/sessions/${sessionId}/start`)).status()).toBe(200);
  firstSentence = `${uniqueTitle('Each delegation trains its prosecutors on electronic evidence')}.`;
  const note = await rap.post(`/api/v1/sessions/${sessionId}/notes`, {
    data: { client_id: crypto.randomUUID(), text: `${firstSentence} Progress is reported at the next meeting.`, marking: 'delegations' },
  });
  expect(note.status()).toBe(201);
  const drafted = await rap.post(`/api/v1/sessions/${sessionId}/notes/1/outcome`, { data: { kind: 'recommendation' } });
  expect(drafted.status(), await drafted.text()).toBe(201);
  outcomeId = ((await drafted.json()) as { id: string }).id;
  await rap.dispose();
});

test.afterAll(() => endSession(sessionId));

test('a follow-up member creates an action from an outcome, and one from its session', async ({ browser }) => {
  const { context, page } = await contextFor(browser, FOLLOWUP_NZ);
  const problems = watchConsole(page);
  await page.goto(`/#/sessions/${sessionId}/record`);
  const outcome = page.getByTestId('outcome').filter({ hasText: firstSentence });
  await outcome.getByRole('link', { name: 'New action from this outcome' }).click();
  await expect(page).toHaveURL(new RegExp(`#/actions/new\\?outcome=${outcomeId}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'New action' })).toBeVisible();
  await expect(page.getByText(`An action for NZ, from a recommendation of the session “${sessionTitle}”.`)).toBeVisible();
  await expect(page.getByTestId('action-from-quote')).toContainText('Progress is reported at the next meeting.');

  const form = page.getByRole('form', { name: 'New action' });
  await expect(form.getByLabel('Title')).toHaveValue(firstSentence);
  await expect(form.getByTestId('action-from')).toContainText(`From a recommendation of the session “${sessionTitle}”`);
  // The meeting is the outcome's: there is nothing to choose.
  await expect(form.getByLabel('Meeting')).toHaveCount(0);
  // Never less restricted than the outcome (marked for the delegations).
  const marking = form.getByLabel('Marking');
  await expect(marking).toHaveValue('delegations');
  await expect(marking.locator('option')).toHaveCount(2);
  await expect(marking.locator('option[value="all"]')).toHaveCount(0);
  await expect(form.getByRole('group', { name: 'Topics' }).getByLabel(topicTitle)).toBeChecked();

  await form.getByLabel('Due date', { exact: true }).fill('2015-06-30');
  await form.getByLabel('Agency').fill('Crown Law Office');
  // The 2014 meeting's dates have passed: saving one asks for confirmation.
  await form.getByLabel(/has passed: save it anyway/).check();
  await form.getByRole('button', { name: 'Create action' }).click();
  await expect(page.getByRole('heading', { level: 1, name: firstSentence })).toBeVisible();
  await expect(page.getByText('one of its outcomes')).toBeVisible();
  await expect(page.getByRole('link', { name: sessionId })).toHaveAttribute('href', `#/sessions/${sessionId}/record`);
  const actionId = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');

  // The server keeps the lineage the link named.
  const nz = await apiAs(FOLLOWUP_NZ);
  const saved = (await (await nz.get(`/api/v1/actions/${actionId}`)).json()) as Record<string, unknown>;
  expect(saved).toMatchObject({ outcome_id: outcomeId, session_id: sessionId, meeting_id: 'london-2014', owner: 'NZ', topics: [TOPIC] });
  await nz.dispose();

  // From the session itself: its topics, the title left to the person.
  await page.goto(`/#/sessions/${sessionId}/record`);
  await page.getByRole('link', { name: 'New action from this session' }).click();
  await expect(page).toHaveURL(new RegExp(`#/actions/new\\?session=${sessionId}$`));
  const fromSession = page.getByRole('form', { name: 'New action' });
  await expect(fromSession.getByTestId('action-from')).toContainText(`From the session “${sessionTitle}”`);
  await expect(fromSession.getByLabel('Title')).toHaveValue('');
  await expect(fromSession.getByLabel('Marking').locator('option')).toHaveCount(3);
  await fromSession.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(new RegExp(`#/sessions/${sessionId}/record$`));

  expect(problems).toEqual([]);
  await context.close();
});

test("the session's rapporteur draws an action from its outcome for any delegation", async ({ browser }) => {
  const { context, page } = await contextFor(browser, RAPPORTEUR);
  const problems = watchConsole(page);
  await page.goto(`/#/sessions/${sessionId}/record`);
  await page.getByTestId('outcome').filter({ hasText: firstSentence }).getByRole('link', { name: 'New action from this outcome' }).click();
  await expect(page.getByText('An action for any delegation, from a recommendation')).toBeVisible();
  const owner = page.getByRole('form', { name: 'New action' }).getByLabel('Owner delegation');
  await expect(owner).toHaveValue('');
  await expect(owner.locator('option:not([value=""])')).toHaveCount(5);
  expect(problems).toEqual([]);
  await context.close();
});
