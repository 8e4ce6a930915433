import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, type Account } from './accounts';
import { apiAs, ensureAccount } from './api';
import { contextFor } from './helpers';

// The header with a long name and several roles (issue 10, item 7): one row
// in a laptop's window, as tall as with a short name; on a phone nothing in
// it covers anything else, and the page does not scroll sideways.

const LONG: Account = { email: 'long.name@example.org', name: 'Dr Alexandra Konstantinopoulou-Whitfield' };

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, LONG, ['admin', 'head', 'rapporteur', 'followup'], 'NZ');
  await admin.dispose();
});

type Box = { x: number; y: number; width: number; height: number };

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  expect(b, 'the element is shown').toBeTruthy();
  return b!;
}

const intersect = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** What the header holds, each a thing that must not cover another. */
function parts(page: Page) {
  const banner = page.getByRole('banner');
  return {
    banner,
    brand: banner.getByRole('link', { name: 'Quintet — meetings' }),
    links: banner.getByRole('navigation', { name: 'Main' }).getByRole('link'),
    search: banner.getByRole('search'),
    name: banner.getByTestId('user-name'),
    roles: banner.locator('.user-roles'),
    account: banner.getByRole('link', { name: 'Account' }),
    signOut: banner.getByRole('button', { name: 'Sign out' }),
  };
}

/** The boxes of everything in the header, by what it is. */
async function boxes(page: Page): Promise<[string, Box][]> {
  const p = parts(page);
  const out: [string, Box][] = [['brand', await box(p.brand)]];
  for (const [i, l] of (await p.links.all()).entries()) out.push([`link ${i + 1} (${await l.textContent()})`, await box(l)]);
  out.push(['search', await box(p.search)], ['name', await box(p.name)], ['roles', await box(p.roles)]);
  out.push(['account', await box(p.account)], ['sign out', await box(p.signOut)]);
  return out;
}

/** Pairs of the header's parts that overlap; the name and its roles are one block. */
function overlaps(all: [string, Box][]): string[] {
  const found: string[] = [];
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const [a, ab] = all[i]!;
      const [b, bb] = all[j]!;
      if (a === 'name' && b === 'roles') continue;
      if (intersect(ab, bb)) found.push(`${a} × ${b}`);
    }
  return found;
}

test('with a long name and four roles the header is one row at 1280 px', async ({ browser }) => {
  const { context, page } = await contextFor(browser, LONG, { viewport: { width: 1280, height: 900 } });
  const p = parts(page);
  // The whole name is there for whoever reads it, even when shown cut short.
  await expect(p.name).toHaveText(LONG.name);
  for (const role of ['Secretariat', 'Head of delegation', 'Rapporteur', 'Follow-up team', '· NZ']) await expect(p.roles).toContainText(role);
  await expect(p.name).toBeVisible();

  const all = await boxes(page);
  const tallest = Math.max(...all.map(([, b]) => b.height));
  expect((await box(p.banner)).height, 'the header is one row tall').toBeLessThan(2 * tallest);
  const tops = new Set(all.filter(([n]) => n.startsWith('link')).map(([, b]) => Math.round(b.y)));
  expect(tops.size, 'the menu is one line').toBe(1);
  // One row: every part of the header shares a band of height.
  const top = Math.max(...all.filter(([n]) => n !== 'roles').map(([, b]) => b.y));
  const bottom = Math.min(...all.filter(([n]) => n !== 'roles').map(([, b]) => b.y + b.height));
  expect(top, 'every part of the header is on one row').toBeLessThan(bottom);
  expect(overlaps(all)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await context.close();
});

test('with a long name nothing in the header overlaps at 390 px', async ({ browser }) => {
  const { context, page } = await contextFor(browser, LONG, { viewport: { width: 390, height: 844 } });
  await expect(parts(page).name).toHaveText(LONG.name);
  expect(overlaps(await boxes(page))).toEqual([]);
  for (const [what, b] of await boxes(page)) {
    expect(b.x, `${what} starts on the screen`).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width, `${what} ends on the screen`).toBeLessThanOrEqual(390);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await context.close();
});
