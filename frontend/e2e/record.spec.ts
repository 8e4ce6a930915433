import { expect, test, type Page } from '@playwright/test';
import { ADMIN, DELEGATE_CA, type Account } from './accounts';
import { apiAs, ensureAccount } from './api';
import { contextFor, openLondon } from './helpers';
import { pdfText } from './pdf';

const OBSERVER: Account = { email: 'observer@example.org', name: 'Oscar Observer' };
const HEAD_AU: Account = { email: 'head.au@example.org', name: 'Alice Nguyen' };

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

test('an observer reads only what is marked all in the PDF of a version; a head reads a delegations version whole', async ({ browser }) => {
  // Three readers in browsers of their own, two PDFs: more than the default minute on a loaded machine.
  test.setTimeout(150_000);
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, OBSERVER, ['observer'], '');
  await ensureAccount(admin, HEAD_AU, ['head'], 'AU');
  // Two actions of London 2014, one for everyone, one for members only;
  // each title carries a word found nowhere else.
  const tag = Date.now().toString(36);
  const open = `Publicwords${tag}`;
  const members = `Memberwords${tag}`;
  for (const [word, marking] of [
    [open, 'all'],
    [members, 'delegations'],
  ]) {
    const made = await admin.post('/api/v1/actions', {
      data: { title: `Report on ${word}`, owner: 'GB', due: '2015-06-30', meeting_id: 'london-2014', marking },
    });
    expect(made.status(), await made.text()).toBe(201);
  }

  // The secretariat publishes one version at all and one at delegations, in the web app.
  const { context, page } = await contextFor(browser, ADMIN);
  await openRecord(page);
  // The number a version gets is the server's: read it from what the page says.
  const publish = async (marking: string) => {
    await page.getByLabel('Marking of the version').selectOption(marking);
    await page.getByRole('button', { name: /^Publish version \d+$/ }).click();
    const status = page.getByTestId('record-status');
    await expect(status).toHaveText(new RegExp(`^Published version \\d+, marked ${marking}\\.$`));
    return Number(/version (\d+)/.exec((await status.textContent()) ?? '')![1]);
  };
  const forAll = await publish('all');
  const forMembers = await publish('delegations');
  await admin.dispose();

  const pdfOf = async (reader: Page, n: number) => {
    const link = reader.getByTestId('record-version').filter({ hasText: `Version ${n}` }).getByRole('link', { name: `Version ${n}, PDF` });
    const res = await reader.request.get((await link.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    return pdfText(await res.body());
  };

  // The observer lists only the version at all; its PDF shows the open action, not the members' one.
  const observer = await contextFor(browser, OBSERVER);
  await openRecord(observer.page);
  const listed = await listedVersions(observer.page);
  expect(listed).toContain(forAll);
  expect(listed).not.toContain(forMembers);
  const seen = await pdfOf(observer.page, forAll);
  expect(seen).toContain('London 2014');
  expect(seen).toContain(open);
  expect(seen).not.toContain(members);
  expect(seen).toContain('Marking: all');
  expect((await observer.page.request.get(`/api/v1/meetings/london-2014/record/versions/${forMembers}/record.pdf`)).status()).toBe(404);

  // A head of delegation reads the delegations version, with both.
  const head = await contextFor(browser, HEAD_AU);
  await openRecord(head.page);
  const whole = await pdfOf(head.page, forMembers);
  expect(whole).toContain(open);
  expect(whole).toContain(members);

  await Promise.all([observer.context.close(), head.context.close(), context.close()]);
});
