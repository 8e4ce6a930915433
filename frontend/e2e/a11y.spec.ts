import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, DELEGATE_CA, FOLLOWUP_NZ, RAPPORTEUR, type Account } from './accounts';
import { apiAs, endSession, ensureAccount, TOPIC, tourData, type TourData } from './api';
import { expectAccessible, scanStats, VIEWPORTS, type ViewportName } from './axe';
import { contextFor } from './helpers';

// Every page of the app, and every panel that opens on it, scanned by axe-core
// (the rules: AXE_TAGS in axe.ts) as each role that sees it, in a laptop's
// window and a phone's. The data the pages show is made through the API
// (tourData): a live session with notes, an action promoted from one of them,
// a register entry.

const HEAD_AU: Account = { email: 'head.au@example.org', name: 'Alice Nguyen' };
const OBSERVER: Account = { email: 'observer@example.org', name: 'Oscar Observer' };

interface Role {
  name: string;
  account: Account;
  admin?: boolean;
  rapporteur?: boolean;
  followup?: boolean;
}

const ROLES: Role[] = [
  { name: 'secretariat', account: ADMIN, admin: true },
  { name: 'rapporteur', account: RAPPORTEUR, rapporteur: true },
  { name: 'follow-up', account: FOLLOWUP_NZ, followup: true },
  { name: 'head of delegation', account: HEAD_AU },
  { name: 'delegate', account: DELEGATE_CA },
  { name: 'observer', account: OBSERVER },
];

let data: TourData;

test.beforeAll(async () => {
  const admin = await apiAs(ADMIN);
  await ensureAccount(admin, FOLLOWUP_NZ, ['followup'], 'NZ');
  await ensureAccount(admin, HEAD_AU, ['head'], 'AU');
  await ensureAccount(admin, OBSERVER, ['observer'], '');
  await admin.dispose();
  data = await tourData(FOLLOWUP_NZ);
});

test.afterAll(() => endSession(data.sessionId));

/** Goes to a page by its hash and waits until its heading has the focus (the app shell's rule). */
async function visit(page: Page, hash: string): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.locator('main h1')).toBeFocused();
}

/** Opens a panel with a button, scans the page with it open, and closes it with another. */
async function withPanel(page: Page, where: string, open: Locator, close?: Locator): Promise<void> {
  await open.click();
  await expectAccessible(page, where);
  if (close) await close.click();
}

/**
 * The import of accounts: the form, the form with a refused file's rows
 * listed, and the new accounts with their links (one observer account, of
 * a fresh address, per scan).
 */
async function importPanels(page: Page, at: (what: string) => string): Promise<void> {
  await page.getByRole('button', { name: 'Import accounts from CSV' }).click();
  const form = page.getByRole('form', { name: 'Import accounts from CSV' });
  await expectAccessible(page, at('users, importing accounts'));
  const rows = form.getByLabel('Rows to import');
  await rows.fill('name,email,roles,delegation\nNo Address,not-an-address,observer,\nNo Role,norole@example.org,chair,\n');
  await form.getByRole('button', { name: 'Import accounts' }).click();
  await expect(form.getByTestId('import-problems').getByRole('listitem')).toHaveCount(2);
  await expectAccessible(page, at('users, an import refused'));
  const n = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  await rows.fill(`name,email,roles,delegation\nA11y Import ${n},a11y-${n}@example.org,observer,\n`);
  await form.getByRole('button', { name: 'Import accounts' }).click();
  const done = page.getByRole('region', { name: 'Imported 1 account' });
  await expect(done.getByTestId('import-link')).toHaveCount(1);
  await expectAccessible(page, at('users, accounts imported'));
  await done.getByRole('button', { name: 'Done' }).click();
}

async function tour(page: Page, role: Role, vp: ViewportName): Promise<void> {
  const at = (what: string) => `${what}, as ${role.name}, ${vp}`;

  await visit(page, '#/meetings');
  await expectAccessible(page, at('meetings'));
  if (role.admin) {
    await withPanel(page, at('meetings, setting up the next meeting'), page.getByRole('button', { name: 'Set up the next meeting' }),
      page.getByRole('form', { name: /^The meeting after / }).getByRole('button', { name: 'Cancel' }));
  }

  await visit(page, '#/meetings/london-2014');
  await expect(page.getByTestId('session').first()).toBeVisible();
  await expectAccessible(page, at('agenda'));
  if (role.admin) {
    const add = page.getByRole('button', { name: 'Add session' });
    await add.click();
    const form = page.getByRole('form', { name: 'Add a session' });
    await form.getByRole('button', { name: 'Add session' }).click();
    await expect(form.getByLabel('Title')).toBeFocused();
    await expectAccessible(page, at('agenda, the new-session form with its errors'));
    await form.getByRole('button', { name: 'Cancel' }).click();
    const card = page.getByTestId('session').first();
    await withPanel(page, at('agenda, editing a session'), card.getByRole('button', { name: /^Edit/ }),
      card.getByRole('button', { name: 'Cancel' }));
    await withPanel(page, at('agenda, confirming a deletion'), card.getByRole('button', { name: /^Delete/ }),
      card.getByRole('button', { name: 'Keep it' }));
  }

  await visit(page, '#/meetings/london-2014/record');
  await expect(page.getByRole('heading', { level: 2, name: 'Published versions' })).toBeVisible();
  await expectAccessible(page, at('meeting record'));

  await visit(page, `#/sessions/${data.sessionId}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('note').first()).toBeVisible();
  await expectAccessible(page, at('live session'));
  if (role.rapporteur) {
    const note = page.getByTestId('note').first();
    for (const tool of ['Action', 'Outcome', 'Register links']) {
      await withPanel(page, at(`live session, the note's ${tool} panel`), note.getByRole('button', { name: new RegExp(`^${tool}`) }));
      // Esc closes a note's panel, from wherever the focus is in it.
      await page.keyboard.press('Escape');
      await expect(note.getByTestId('note-panel')).toHaveCount(0);
    }
    const toggle = page.getByTestId('console-outcomes-toggle');
    await withPanel(page, at("live session, the console's outcomes"), toggle, toggle);
  }

  await visit(page, `#/sessions/${data.sessionId}/record`);
  await expect(page.getByTestId('note').first()).toBeVisible();
  await expectAccessible(page, at('session record'));
  if (role.rapporteur) {
    const note = page.getByTestId('note').first();
    await withPanel(page, at('session record, promoting a note'), note.getByRole('button', { name: 'Promote to action' }),
      note.getByRole('button', { name: 'Cancel' }));
  }

  await visit(page, '#/actions');
  await expectAccessible(page, at('actions board'));
  await visit(page, `#/actions?topic=${TOPIC}&due=overdue&sort=-reported`);
  await expectAccessible(page, at('actions board, filtered and sorted'));
  if (role.admin || role.followup) {
    await visit(page, '#/actions/new');
    const form = page.getByRole('form', { name: 'New action' });
    await form.getByLabel('Due date', { exact: true }).fill('2014-01-01');
    await form.getByRole('button', { name: 'Create action' }).click();
    await expect(form.getByLabel('Title')).toBeFocused();
    await expectAccessible(page, at('new action, with its errors and the past-date confirmation'));
  }
  await visit(page, `#/actions/${encodeURIComponent(data.actionId)}`);
  await expectAccessible(page, at('action page'));
  if (role.admin || role.followup) {
    await withPanel(page, at('action page, editing every field'), page.getByRole('button', { name: /^Edit title, owner/ }),
      page.getByRole('form', { name: 'Edit the action' }).getByRole('button', { name: 'Cancel' }));
  }
  if (role.followup) {
    const form = page.getByRole('form', { name: 'Update the action' });
    await form.getByLabel('Progress (%)').fill('140');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Progress (%)')).toBeFocused();
    await expectAccessible(page, at('action page, the update form with its error'));
  }

  await visit(page, '#/register');
  await expectAccessible(page, at('register'));
  await visit(page, `#/register/${encodeURIComponent(data.entryId)}`);
  await expectAccessible(page, at('register entry'));
  if (role.admin || role.followup) {
    await visit(page, '#/register/new');
    const form = page.getByRole('form', { name: 'Add a register entry' });
    await form.getByRole('button', { name: 'Add entry' }).click();
    await expect(form.locator('[aria-invalid="true"]').first()).toBeFocused();
    await expectAccessible(page, at('new register entry, with its errors'));
    await visit(page, `#/register/${encodeURIComponent(data.entryId)}/edit`);
    await expectAccessible(page, at('editing a register entry'));
  }
  await visit(page, '#/coverage');
  await expectAccessible(page, at('coverage matrix'));
  await visit(page, '#/topics');
  await expect(page.getByTestId('topic').first()).toBeVisible();
  await expectAccessible(page, at('topics'));
  if (role.admin) {
    await page.getByRole('button', { name: 'New topic' }).click();
    const form = page.getByRole('form', { name: 'New topic' });
    await form.getByLabel('Slug').fill('Not a slug!');
    await form.getByRole('button', { name: 'Add the topic' }).click();
    await expect(form.getByLabel('Name')).toBeFocused();
    await expectAccessible(page, at('topics, the new-topic form with its errors'));
    await form.getByRole('button', { name: 'Cancel' }).click();
  }
  await visit(page, `#/topics/${TOPIC}`);
  await expectAccessible(page, at('topic'));
  if (role.admin) {
    await withPanel(page, at('topic, editing it'), page.getByRole('button', { name: 'Edit topic' }),
      page.getByRole('form', { name: 'Edit the topic' }).getByRole('button', { name: 'Cancel' }));
  }
  await visit(page, `#/search?q=${data.word.toLowerCase()}`);
  await expect(page.getByTestId('results-register')).toBeVisible();
  await expectAccessible(page, at('search results'));

  await visit(page, '#/users');
  await expectAccessible(page, at('users'));
  if (role.admin) {
    await withPanel(page, at('users, adding a user'), page.getByRole('button', { name: 'Add user' }),
      page.getByRole('form', { name: 'Add a user' }).getByRole('button', { name: 'Cancel' }));
    const user = page.getByTestId('user').first();
    await withPanel(page, at('users, changing roles'), user.getByRole('button', { name: /^Change roles/ }),
      user.getByRole('button', { name: 'Cancel' }));
    await importPanels(page, at);
  }

  await visit(page, '#/account');
  await expectAccessible(page, at('account'));
  // With the agenda subscription's URLs shown (issued again on every visit:
  // each replaces the last).
  const agendaFeed = page.getByTestId('agenda-feed');
  await agendaFeed.getByRole('button', { name: /^(Subscribe to the agenda|Issue a new agenda URL)$/ }).click();
  await expect(agendaFeed.getByLabel(/^Web address/)).toBeVisible();
  await expectAccessible(page, at('account, agenda subscription shown'));

  await visit(page, '#/no/such/page');
  await expectAccessible(page, at('not found'));
}

for (const vp of Object.keys(VIEWPORTS) as ViewportName[]) {
  test(`signed out, the sign-in and set-up pages have no violations (${vp})`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: VIEWPORTS[vp] });
    const page = await context.newPage();
    await page.goto('/#/signin');
    await expect(page.getByLabel('Email')).toBeFocused();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, `sign-in with its errors, ${vp}`);
    await page.goto('/#/setup?secret=whatever');
    await expect(page.getByText('Quintet is already set up.')).toBeVisible();
    await expectAccessible(page, `set-up, ${vp}`);
    await page.goto('/#/set-password?token=qr_whatever');
    await expect(page.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
    await expectAccessible(page, `set-password, ${vp}`);
    await context.close();
  });

  for (const role of ROLES) {
    test(`every page and panel has no violations as ${role.name} (${vp})`, async ({ browser }) => {
      // Some twenty pages and panels, each scanned: longer than a test of one page.
      test.setTimeout(6 * 60_000);
      const { context, page } = await contextFor(browser, role.account, { viewport: VIEWPORTS[vp] });
      await tour(page, role, vp);
      await context.close();
    });
  }
}

test.afterAll(() => {
  console.log(
    `axe: ${scanStats.scans} scans in ${(scanStats.ms / 1000).toFixed(1)} s; ${scanStats.same} pages passed over as the same as one scanned`,
  );
});
