import { defineConfig } from '@playwright/test';
import { BASE_URL, PASSWORD, PORT } from './e2e/accounts';

// Browser tests drive Debian's Chromium (/usr/bin/chromium) against the real
// Go server, which e2e/server.sh builds and starts with a fresh data directory.
// Playwright's own browser builds are never downloaded.
// Requests the service worker makes are seen by Playwright, so that a test
// can cut them off too: context.setOffline alone does not reach the worker
// (microsoft/playwright#2311), which then fetches from the server as if
// online. Chromium only, which is all these tests drive.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS ??= '1';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // One server, one data set: tests run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // On a shared CI machine a test may lose a race with the load; one retry
  // there, reported as "flaky" in the output, none on a developer's machine.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'bash e2e/server.sh',
    url: `${BASE_URL}/healthz`,
    // A cold `go build` of the server on a two-core machine takes minutes.
    timeout: 600_000,
    // QUINTET_E2E_REUSE=1 runs against a server you started yourself on the port.
    reuseExistingServer: !!process.env.QUINTET_E2E_REUSE,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      QUINTET_E2E_PORT: String(PORT),
      QUINTET_E2E_PASSWORD: PASSWORD,
    },
  },
});
