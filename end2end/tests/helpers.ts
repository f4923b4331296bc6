import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page } from '@playwright/test';

const root = path.resolve(__dirname, '..', '..');
const serverBin =
  process.env.SERVER_BIN ?? path.join(root, 'target', 'release', 'investment-system');
const dataDir = path.join(__dirname, '..', '.e2e-data');

/** Makes `email` an administrator through the CLI, against the shared test database. */
export function makeAdmin(email: string): void {
  const result = spawnSync(serverBin, ['set-role', email, 'admin'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      DATA_DIR: dataDir,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'warn',
    },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
}

/** A password every rule accepts. */
export const PASSWORD = 'Sup3r-Secret-Pass!';

/** An email no other test (or earlier run against this database) uses. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Registers a new account through the form; the browser lands on the dashboard. */
export async function registerNewUser(page: Page, label: string): Promise<string> {
  const email = uniqueEmail(label);
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return email;
}

/** Collects console errors and uncaught exceptions; assert it is empty at the end. */
export function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Waits until the WebAssembly client has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Relative luminance (0 = black, 1 = white) of the page background as painted. */
export async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const context = canvas.getContext('2d')!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

/** The background settles dark (colour transitions may still be running). */
export async function expectDark(page: Page): Promise<void> {
  await expect.poll(() => backgroundLuminance(page)).toBeLessThan(0.2);
}

/** The background settles light. */
export async function expectLight(page: Page): Promise<void> {
  await expect.poll(() => backgroundLuminance(page)).toBeGreaterThan(0.8);
}

/** A symbol's card on the dashboard. */
export function symbolCard(page: Page, symbol: string) {
  return page.locator(`[data-testid="symbol-card"][data-symbol="${symbol}"]`);
}

/** Creates a watchlist on the (hydrated) dashboard and adds `symbols` to it; answers the list. */
export async function createWatchlist(page: Page, name: string, symbols: string[]) {
  await page.getByTestId('new-watchlist').getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  const list = page.getByTestId('watchlist').filter({ hasText: name });
  await expect(list).toBeVisible();
  for (const symbol of symbols) {
    await list.getByLabel('Add a symbol').fill(symbol);
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(symbolCard(page, symbol.toUpperCase())).toBeVisible();
  }
  return list;
}
