import { expect, test, type Page } from '@playwright/test';
import { ADMIN, FOLLOWUP_NZ, RAPPORTEUR } from './accounts';
import { apiAs, endSession, ensureAccount, TOPIC, tourData, type TourData } from './api';
import { VIEWPORTS, type ViewportName } from './axe';
import { contextFor } from './helpers';

// Where the focus goes: after every change of page, to the page's heading
// once it has loaded, with the page's name in the title and said politely;
// after a refused sign-in or a save, still on the button pressed; and, as a
// keyboard user tabs through the live page with the rapporteur's console
// open, never under the console.

let data: TourData;

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  await admin.dispose();
  data = await tourData(FOLLOWUP_NZ);
  // Enough notes that the record runs on under the console.
  const rap = await apiAs(RAPPORTEUR);
  for (let i = 1; i <= 12; i++) {
    const note = await rap.post(`/api/v1/sessions/${data.sessionId}/notes`, {
      data: { client_id: crypto.randomUUID(), text: `Intervention ${i} on mutual legal assistance.`, marking: 'all' },
    });
    expect(note.status()).toBe(201);
  }
  await rap.dispose();
});

test.afterAll(() => endSession(data.sessionId));

/** Goes to a page the way a link does (a change of the hash, no reload). */
async function follow(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

test('every route puts the focus on its loaded heading, names itself in the title and says so', async ({ browser }) => {
  const { context, page } = await contextFor(browser, ADMIN);
  const routes: [hash: string, title: RegExp, heading: RegExp][] = [
    ['#/meetings/london-2014', /London 2014 — Quintet$/, /London 2014/],
    [`#/sessions/${data.sessionId}`, /^Tour session .* — Quintet$/, /^Tour session/],
    [`#/sessions/${data.sessionId}/record`, /^Tour session .* — record — Quintet$/, /^Tour session/],
    ['#/actions', /^Actions — Quintet$/, /^Actions$/],
    ['#/actions/mine', /^My delegation’s actions — Quintet$/, /./],
    [`#/actions/${encodeURIComponent(data.actionId)}`, /^Host a workshop .* — Quintet$/, /^Host a workshop/],
    ['#/register', /^Register — Quintet$/, /^Register of capacity-building activity$/],
    ['#/register/new', /^New entry — Register — Quintet$/, /^Add a register entry$/],
    [`#/register/${encodeURIComponent(data.entryId)}`, /^Workshop on electronic evidence .* — Register — Quintet$/, /^Workshop/],
    [`#/register/${encodeURIComponent(data.entryId)}/edit`, /^Edit entry — Register — Quintet$/, /^Edit register entry$/],
    ['#/coverage', /^Coverage — Register — Quintet$/, /^Coverage of the register$/],
    [`#/search?q=${data.word.toLowerCase()}`, /— Search — Quintet$/, /^Search for/],
    ['#/topics', /^Topics — Quintet$/, /^Topics$/],
    [`#/topics/${TOPIC}`, /^Building international capability.* — Quintet$/i, /Building international capability/i],
    ['#/users', /^Users — Quintet$/, /^Users$/],
    ['#/no/such/page', /^Page not found — Quintet$/, /^Page not found$/],
    ['#/meetings', /^Meetings — Quintet$/, /^Meetings$/],
  ];
  for (const [hash, title, heading] of routes) {
    await follow(page, hash);
    const h1 = page.locator('main h1');
    await expect(h1, `the heading of ${hash}`).toHaveText(heading);
    await expect(h1, `the focus on ${hash}`).toBeFocused();
    await expect(page, `the title of ${hash}`).toHaveTitle(title);
    const name = (await page.title()).replace(/ — Quintet$/, '');
    await expect(page.getByTestId('page-announcer'), `what ${hash} says`).toHaveText(name);
    await expect(page.getByTestId('page-announcer')).toHaveAttribute('aria-live', 'polite');
  }
  await context.close();
});

test('a refused sign-in and a save leave the focus on the button pressed', async ({ browser, page }) => {
  await page.goto('/#/signin');
  const signIn = page.getByRole('button', { name: 'Sign in' });
  // Two empty fields: both marked, a summary names them, the first has the focus.
  await signIn.click();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  const summary = page.getByTestId('error-summary');
  await expect(summary).toContainText('Please correct 2 fields');
  await expect(page.getByLabel('Email')).toBeFocused();
  await summary.getByRole('button', { name: 'Password' }).click();
  await expect(page.getByLabel('Password')).toBeFocused();

  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await signIn.click();
  await expect(page.getByTestId('form-error')).not.toBeEmpty();
  await expect(signIn).toBeFocused();

  const fu = await contextFor(browser, FOLLOWUP_NZ);
  await fu.page.goto(`/#/actions/${encodeURIComponent(data.actionId)}`);
  const form = fu.page.getByRole('form', { name: 'Update the action' });
  await form.getByLabel('Progress (%)').fill('20');
  const save = form.getByRole('button', { name: 'Save' });
  await save.click();
  await expect(fu.page.getByTestId('progress')).toHaveText('20%');
  await expect(save).toBeFocused();

  // A field the server refuses: marked, described by its message, focused.
  await form.getByLabel('Progress (%)').fill('140');
  await save.click();
  const progress = form.getByLabel('Progress (%)');
  await expect(progress).toHaveAttribute('aria-invalid', 'true');
  await expect(progress).toHaveAttribute('aria-describedby', /act-progress-error/);
  await expect(form.locator('#act-progress-error')).toContainText('a percentage from 0 to 100');
  await expect(progress).toBeFocused();
  await fu.context.close();
});

for (const vp of Object.keys(VIEWPORTS) as ViewportName[]) {
  test(`tabbing through the live page never leaves the focus under the rapporteur's console (${vp})`, async ({
    browser,
  }) => {
    const { context, page } = await contextFor(browser, RAPPORTEUR, { viewport: VIEWPORTS[vp] });
    await page.goto(`/#/sessions/${data.sessionId}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect(page.getByTestId('note')).toHaveCount(14);
    const dock = page.getByTestId('dock');
    await expect(dock.getByTestId('console')).toBeVisible();
    // From the top of the page, as after arriving on it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('main h1').focus();

    let stops = 0;
    for (; stops < 200; stops++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const dockEl = document.querySelector<HTMLElement>('[data-testid="dock"]')!;
        if (!el || el === document.body) return { done: true, inDock: false, covered: false, what: 'body' };
        const r = el.getBoundingClientRect();
        const d = dockEl.getBoundingClientRect();
        const jump = dockEl.querySelector<HTMLElement>('.jump')?.getBoundingClientRect();
        const under = (c: DOMRect | undefined) => !!c && r.bottom > c.top && r.top < c.bottom && r.right > c.left && r.left < c.right;
        const inDock = dockEl.contains(el);
        return {
          done: inDock,
          inDock,
          covered: !inDock && (under(d) || under(jump) || r.top < 0 || r.bottom > window.innerHeight),
          what: `${el.tagName} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 60)}”`,
        };
      });
      expect(at.covered, `tab stop ${stops + 1}, ${at.what}, is clear of the console`).toBe(false);
      if (at.done) break;
    }
    // It went through every note's tools and reached the console.
    expect(stops).toBeGreaterThan(14);
    await expect(dock.locator(':focus')).toHaveCount(1);
    await context.close();
  });
}
