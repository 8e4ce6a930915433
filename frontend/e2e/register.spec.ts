import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, FOLLOWUP_NZ } from './accounts';
import { apiAs, ensureAccount } from './api';
import { contextFor, uniqueTitle, watchConsole } from './helpers';

// The register in the browser: a follow-up member of New Zealand records
// judicial training on electronic evidence, links it from one of New
// Zealand's actions, and finds it again on the entry page (the backlink), in
// the coverage matrix (counted) and with the search box (by a word of its
// summary).
//
// The account and the action are made here through the API, as the
// secretariat and the follow-up team would: the web app has no form to add
// an action from scratch (actions come from notes, by their rapporteurs).

const TOPIC = 'building-international-capability';

/** The judiciary count of topic × NZ, as the coverage API says now. */
async function judiciaryCount(api: APIRequestContext): Promise<number> {
  const cov = (await (await api.get('/api/v1/coverage')).json()) as {
    topics: { id: string; slug: string }[];
    cells: { topic: string; delegation: string; by_audience: Record<string, number> }[];
  };
  const topic = cov.topics.find((t) => t.slug === TOPIC);
  expect(topic, `topic ${TOPIC}`).toBeTruthy();
  const cell = cov.cells.find((c) => c.topic === topic!.id && c.delegation === 'NZ');
  return cell?.by_audience.judiciary ?? 0;
}

test('a New Zealand follow-up member registers judicial training, links it from an action, and finds it everywhere', async ({
  browser,
}) => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  await admin.dispose();

  const nz = await apiAs(FOLLOWUP_NZ);
  const actionTitle = uniqueTitle('Train District Court judges on electronic evidence');
  const made = await nz.post('/api/v1/actions', {
    data: { title: actionTitle, owner: 'NZ', due: '2015-06-30', meeting_id: 'london-2014', marking: 'all' },
  });
  expect(made.status()).toBe(201);
  const actionId = ((await made.json()) as { id: string }).id;
  const before = await judiciaryCount(nz);

  const { page } = await contextFor(browser, FOLLOWUP_NZ);
  const problems = watchConsole(page);

  // 1. The entry, through the form.
  const title = uniqueTitle('Judicial training on electronic evidence');
  const word = `Wharekauhau${Date.now().toString(36)}`;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Register of capacity-building activity/ })).toBeVisible();
  await page.getByRole('link', { name: 'Add an entry' }).click();
  const form = page.getByRole('form', { name: 'Add a register entry' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Summary').fill(`A residential course for District Court judges on admitting electronic evidence, held at ${word}.`);
  await expect(form.getByLabel('Lead delegation')).toHaveValue('NZ');
  await form.getByLabel('Lead agency').fill('Institute of Judicial Studies');
  await form.getByRole('checkbox', { name: 'Australia' }).check();
  await form.getByRole('checkbox', { name: 'Judiciary' }).check();
  await form.getByLabel('Format', { exact: true }).selectOption('training');
  await form.getByLabel('Status', { exact: true }).selectOption('planned');
  await form.getByLabel('Start date').fill('2015-03-02');
  await form.getByLabel('End date').fill('2015-03-03');
  await form.getByRole('checkbox', { name: /Building international capability/i }).check();
  await form.getByRole('button', { name: 'Add entry' }).click();

  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const entryURL = page.url();
  const entryId = decodeURIComponent(entryURL.split('#/register/')[1] ?? '');
  expect(entryId).not.toBe('');

  // A bad date is refused, next to the field.
  const edit = page.getByRole('form', { name: 'Edit the register entry' });
  // The entry page may still be rendering its backlinks when the link is
  // first clickable; click until the form is there.
  await expect(async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(edit).toBeVisible({ timeout: 2_000 });
  }).toPass();
  await edit.getByLabel('End date').fill('2015-01-01');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.locator('#e-end-error')).toContainText('cannot be before the start date');
  await edit.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // 2. The link, from the action's page.
  await page.goto(`/#/actions/${encodeURIComponent(actionId)}`);
  await expect(page.getByRole('heading', { level: 1, name: actionTitle })).toBeVisible();
  const links = page.getByTestId('register-links');
  await links.getByLabel('Find a register entry to link').fill(word);
  await links.getByRole('button', { name: `Link “${title}”` }).click();
  await expect(links.getByRole('link', { name: title })).toBeVisible();

  // 3. The backlink, on the entry's page.
  await links.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const backlinks = page.getByTestId('backlinks');
  await expect(backlinks.getByRole('heading', { name: 'Actions (1)' })).toBeVisible();
  await expect(page.getByTestId('backlinks-action').getByRole('link', { name: actionTitle })).toBeVisible();

  // The topic it lists shows it among its entries.
  await page.getByRole('link', { name: /Building international capability/i }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: /Building international capability/i })).toBeVisible();
  await expect(page.getByTestId('register-links').getByRole('link', { name: title })).toBeVisible();

  // 4. The coverage matrix counts it, and the count opens it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }).click();
  await page.getByRole('link', { name: 'coverage matrix' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Coverage of the register' })).toBeVisible();
  const cell = page.getByTestId(`cell-${TOPIC}-NZ`);
  const judiciary = cell.locator('[data-audience="judiciary"]');
  await expect(judiciary).toHaveText(new RegExp(`^J\\s${before + 1}$`));
  await judiciary.click();
  await expect(page).toHaveURL(/#\/register\?.*audience=judiciary/);
  await expect(page.getByRole('link', { name: title })).toBeVisible();

  // 5. The search box finds it by a word of its summary.
  const search = page.getByRole('search', { name: 'Search Quintet' });
  await search.getByRole('searchbox').fill(word.toLowerCase());
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Search for “${word.toLowerCase()}”` })).toBeVisible();
  const hits = page.getByTestId('results-register');
  await expect(hits.getByRole('link', { name: title })).toBeVisible();
  await expect(hits.locator('mark', { hasText: word })).toBeVisible();
  await hits.getByRole('link', { name: title }).click();
  await expect(page).toHaveURL(entryURL);

  // The one 400 is the refused end date above, which the form showed.
  expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
});

test('search and the register refuse bad input plainly', async ({ browser }) => {
  const { page } = await contextFor(browser, ADMIN);
  await page.goto('/#/search?q=' + encodeURIComponent('"" + - * ()'));
  await expect(page.getByRole('alert')).toContainText(/no word to search for/i);
  await page.goto('/#/register?audience=judges');
  await expect(page.getByRole('alert')).toContainText(/there is no audience "judges"/i);
});
