import { expect, test } from '@playwright/test';
import { ADMIN, DELEGATE_CA } from './accounts';
import { apiAs } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// Across the years: a delegate follows "Privacy and information sharing"
// from London 2014 to Ottawa 2015, opens the brief for Ottawa 2015 and sees
// in the coverage for 2015 the cells reached since 2014. The example
// meeting and its follow-up are made here through the API, as the demo
// (`serve --demo`) makes them, so that the spec needs nothing of the others.

const TOPIC = 'privacy-information-sharing';
let actionTitle = '';

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  const ottawa = await admin.post('/api/v1/meetings', {
    data: {
      id: 'ottawa-2015', title: 'Quintet of Attorneys General, Ottawa 2015', host: 'CA', city: 'Ottawa',
      time_zone: 'America/Toronto', start_date: '2015-07-08', end_date: '2015-07-10', status: 'planned',
      delegations: ['AU', 'CA', 'GB', 'NZ', 'US'], topics: [TOPIC], example: true,
    },
  });
  expect([201, 409]).toContain(ottawa.status());
  actionTitle = uniqueTitle('Compare the privacy safeguards for sharing across borders');
  const action = await admin.post('/api/v1/actions', {
    data: { title: actionTitle, owner: 'US', due: '2015-03-31', session_id: 'london-2014-d2-privacy', example: true },
  });
  expect(action.status()).toBe(201);
  const entry = await admin.post('/api/v1/register', {
    data: {
      title: uniqueTitle('Prosecutor workshop on information sharing'), lead_delegation: 'CA', audiences: ['prosecutors'],
      format: 'training', status: 'ongoing', start_date: '2015-02-01', topics: [TOPIC], example: true,
    },
  });
  expect(entry.status()).toBe(201);
  await admin.dispose();
});

test('a delegate reads a topic from 2014 to 2015, its brief, and the coverage reached since', async ({ browser }) => {
  const { context, page } = await contextFor(browser, DELEGATE_CA);
  const problems = watchConsole(page);
  await page.goto(`/#/topics/${TOPIC}`);
  await expect(page.getByRole('heading', { level: 1, name: /Privacy and information sharing/ })).toBeVisible();
  const lineage = page.getByTestId('lineage');
  const london = lineage.getByTestId('lineage-london-2014');
  const ottawa = lineage.getByTestId('lineage-ottawa-2015');
  await expect(london.getByRole('heading', { name: /2014 Quintet of Attorneys General, London 2014/ })).toBeVisible();
  await expect(london.getByRole('link', { name: actionTitle })).toBeVisible();
  await expect(ottawa.getByText('Example')).toBeVisible();
  // 2014 comes before 2015 on the timeline.
  const years = await lineage.locator('.year').allTextContents();
  expect(years.indexOf('2014')).toBeLessThan(years.indexOf('2015'));

  // The brief downloads as a PDF too, made by the record's renderer.
  const pdf = await page.request.get((await ottawa.getByRole('link', { name: 'PDF' }).getAttribute('href'))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await ottawa.getByRole('link', { name: /the brief for .*Ottawa 2015 \(HTML\)/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Brief for Quintet of Attorneys General, Ottawa 2015/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: new RegExp(actionTitle) })).toBeVisible();
  await expect(page.getByText('Since Quintet of Attorneys General, London 2014', { exact: false })).toBeVisible();

  await page.goto('/#/coverage?year=2015');
  await expect(page.getByRole('heading', { level: 1, name: 'Coverage of the register' })).toBeVisible();
  await expect(page.getByTestId('coverage-change')).toContainText('Since Quintet of Attorneys General, London 2014');
  const cell = page.getByTestId(`cell-${TOPIC}-CA`);
  await expect(cell).toHaveAttribute('data-new', 'true');
  await expect(cell.getByText(/▲ new since/)).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
