import { expect, test, type Page } from '@playwright/test';
import { ADMIN, DELEGATE_CA } from './accounts';
import { contextFor, openLondon } from './helpers';

// The meeting record (issue 10, item 4): the secretariat publishes numbered,
// frozen versions at a marking it chooses, from the web app; each version
// reads as HTML, Markdown and PDF; a member reads only the versions their
// clearance covers. The brief is published and withdrawn on the same page.

async function openRecord(page: Page) {
  await openLondon(page);
  await page.getByRole('link', { name: 'Meeting record and brief' }).click();
  await expect(page).toHaveURL(/#\/meetings\/london-2014\/record$/);
  await expect(page.getByRole('heading', { level: 1, name: /Record of .*London 2014/ })).toBeFocused();
}

/** The numbers of the versions the page lists. */
async function listedVersions(page: Page): Promise<number[]> {
  const texts = await page.getByTestId('record-version').locator('strong').allTextContents();
  return texts.map((t) => Number(t.replace('Version ', '')));
}

test('the secretariat publishes versions of the record; a delegate reads those their clearance covers', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  await openRecord(page);

  // Numbers go on from whatever this server has published already.
  const before = await page.request.get('/api/v1/meetings/london-2014/record/versions');
  const first = ((await before.json()) as { items: { number: number }[] }).items.length + 1;

  await page.getByLabel('Marking of the version').selectOption('all');
  await page.getByRole('button', { name: `Publish version ${first}` }).click();
  await expect(page.getByTestId('record-status')).toHaveText(`Published version ${first}, marked all.`);
  const published = page.getByTestId('record-version').filter({ hasText: `Version ${first}` });
  await expect(published).toContainText('published by Secretariat');

  // Each form of the version is served, the PDF as a PDF.
  const pdf = await page.request.get(
    (await published.getByRole('link', { name: `Version ${first}, PDF` }).getAttribute('href'))!,
  );
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  const html = await page.request.get(
    (await published.getByRole('link', { name: `Version ${first}, printable page` }).getAttribute('href'))!,
  );
  expect(html.status()).toBe(200);
  expect(await html.text()).toContain('London 2014');

  // A second version, for heads only.
  await page.getByLabel('Marking of the version').selectOption('heads');
  await page.getByRole('button', { name: `Publish version ${first + 1}` }).click();
  await expect(page.getByTestId('record-status')).toHaveText(`Published version ${first + 1}, marked heads.`);
  expect((await listedVersions(page)).slice(0, 2)).toEqual([first + 1, first]);

  // A delegate (clearance delegations) reads the first and not the second,
  // and is offered no publishing.
  const delegate = await contextFor(browser, DELEGATE_CA);
  await openRecord(delegate.page);
  const seen = await listedVersions(delegate.page);
  expect(seen).toContain(first);
  expect(seen).not.toContain(first + 1);
  await expect(delegate.page.getByRole('button', { name: /Publish/ })).toHaveCount(0);
  const refused = await delegate.page.request.get(`/api/v1/meetings/london-2014/record/versions/${first + 1}`);
  expect(refused.status()).toBe(404);

  await delegate.context.close();
  await context.close();
});

test('the secretariat publishes the brief as of today, then withdraws it', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  await openRecord(page);
  const brief = page.getByRole('region', { name: 'The brief' });
  await brief.getByRole('button', { name: /Publish .*as of today/ }).click();
  await expect(page.getByTestId('record-status')).toContainText('Published the brief as of');
  await expect(brief).toContainText('Published as of');
  const pdf = await page.request.get((await brief.getByRole('link', { name: 'PDF' }).getAttribute('href'))!);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

  await brief.getByRole('button', { name: 'Withdraw the brief' }).click();
  await expect(page.getByTestId('record-status')).toHaveText('Withdrew the published brief.');
  await expect(brief).toContainText('Being prepared; not published.');
  await context.close();
});
