// The accounts e2e/server.sh creates with `quintet user add` before serving.
// Shared by playwright.config.ts (which hands them to the script) and the tests.

export const PORT = Number(process.env.QUINTET_E2E_PORT ?? 18080);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const PASSWORD = process.env.QUINTET_E2E_PASSWORD ?? 'e2e-Quintet-2014-London';

export interface Account {
  email: string;
  name: string;
}

export const ADMIN: Account = { email: 'admin@example.org', name: 'Secretariat' };
export const DELEGATE_CA: Account = { email: 'delegate.ca@example.org', name: 'Claire Tremblay' };
export const RAPPORTEUR: Account = { email: 'rapporteur@example.org', name: 'Ruth Abernethy' };
/** Made by the specs that need one (ensureAccount), not by server.sh. */
export const FOLLOWUP_NZ: Account = { email: 'followup.nz@example.org', name: 'Aroha Ngata' };
