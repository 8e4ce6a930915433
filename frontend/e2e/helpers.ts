import { expect, type Browser, type BrowserContext, type Locator, type Page, type Route } from '@playwright/test';
import { PASSWORD, type Account } from './accounts';

/** Signs in through the sign-in page and waits for the meetings list. */
export async function signIn(page: Page, account: Account, password = PASSWORD): Promise<void> {
  await page.goto('/#/meetings');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
  await expect(page.getByTestId('user-name')).toHaveText(account.name);
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
// Logins made by contextFor, kept for the worker's life: the server limits
// sign-in attempts per account, and a test needs to sign in only once to prove
// that signing in works. Tests that sign out use signIn on a page of their own.
const logins = new Map<string, StorageState>();

/** A new browser context (own cookies), signed in as account. */
export async function contextFor(
  browser: Browser,
  account: Account,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const saved = logins.get(account.email);
  const context = await browser.newContext({ ...options, storageState: saved });
  const page = await context.newPage();
  if (saved) {
    await page.goto('/#/meetings');
    await expect(page.getByTestId('user-name')).toHaveText(account.name);
  } else {
    await signIn(page, account);
    logins.set(account.email, await context.storageState());
  }
  return { context, page };
}

/** Opens the London 2014 agenda from the meetings list. */
export async function openLondon(page: Page): Promise<void> {
  await page.getByRole('link', { name: /London 2014/ }).click();
  await expect(page).toHaveURL(/#\/meetings\/london-2014$/);
  await expect(page.getByRole('heading', { level: 1, name: /London 2014/ })).toBeVisible();
}

/** What the agenda's "Add a session" form asks first; times are the meeting's (HH:MM). */
export interface NewSession {
  title: string;
  /** YYYY-MM-DD, a day of the meeting. */
  day: string;
  starts: string;
  ends: string;
}

/**
 * Opens the agenda's "Add a session" form and fills in the session's title,
 * day and times; returns the form, for the caller to fill in more and submit.
 */
export async function startNewSession(page: Page, s: NewSession): Promise<Locator> {
  await page.getByRole('button', { name: 'Add session' }).click();
  const form = page.getByRole('form', { name: 'Add a session' });
  await form.getByLabel('Title').fill(s.title);
  await form.getByLabel('Day').selectOption(s.day);
  await form.getByLabel('Starts').fill(s.starts);
  await form.getByLabel('Ends').fill(s.ends);
  return form;
}

/** The day section of the agenda for a date (YYYY-MM-DD). */
export function day(page: Page, date: string) {
  return page.locator(`[data-testid="day"][data-date="${date}"]`);
}

/** The agenda entry of the session with this title. */
export function sessionItem(within: Page | Locator, title: string) {
  const page = 'page' in within && typeof within.page === 'function' ? within.page() : (within as Page);
  return within.getByTestId('session').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

/** Collects console errors and CSP violations, which must not happen. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 40[19]/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

let counter = 0;
/** A title no other test uses. */
export function uniqueTitle(prefix: string): string {
  counter += 1;
  return `${prefix} ${Date.now().toString(36)}${counter}`;
}

/** Aborts what the service worker fetches, as a network that reaches nothing would. */
const workerOffline = (route: Route) =>
  route.request().serviceWorker() ? route.abort('internetdisconnected') : route.fallback();

/**
 * Takes the context off the network, or back on: the pages and, unlike
 * context.setOffline alone, the service worker's own fetches too
 * (playwright.config.ts turns on the worker's network events for this).
 */
export async function setNetwork(context: BrowserContext, online: boolean): Promise<void> {
  if (online) {
    await context.unroute('**', workerOffline);
    await context.setOffline(false);
  } else {
    await context.setOffline(true);
    await context.route('**', workerOffline);
  }
}
