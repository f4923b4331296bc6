import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createWatchlist, registerNewUser, symbolCard, waitForHydration } from './helpers';

// This test stops and restarts a server of its own (same binary, own port and
// database), so the shared one keeps serving the other tests.
const port = Number(process.env.E2E_LIVE_PORT ?? 3190);
const base = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..', '..');
const dataDir = path.join(__dirname, '..', '.e2e-live-data');
const serverBin =
  process.env.SERVER_BIN ?? path.join(root, 'target', 'release', 'investment-system');

function startServer(): ChildProcess {
  return spawn(serverBin, ['serve'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/live.db`,
      DATA_DIR: dataDir,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'warn',
      LIVE_TICK_MS: '250',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    },
  });
}

async function untilUp(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the live server did not start');
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

let server: ChildProcess;

test.beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  server = startServer();
  await untilUp();
});

test.afterAll(async () => {
  await stop(server);
});

test.use({ baseURL: base });

test('prices move in place, and the page reconnects after the server restarts', async ({ page }) => {
  test.setTimeout(90_000);
  await registerNewUser(page, 'live');
  await waitForHydration(page);
  await createWatchlist(page, 'Live', ['AAPL']);

  const status = page.getByTestId('live-status');
  await expect(status).toHaveAttribute('data-status', 'live');
  const card = symbolCard(page, 'AAPL');
  const price = card.getByTestId('last-price');
  // Marks the card's element: an update that re-rendered it would lose the mark.
  await card.evaluate((element) => ((element as any).liveMark = true));
  const first = await price.textContent();
  await expect.poll(() => price.textContent(), { timeout: 10_000 }).not.toBe(first);
  await expect(card.getByTestId('sparkline')).toHaveAttribute('data-points', '31');
  expect(await card.evaluate((element) => (element as any).liveMark)).toBe(true);

  // The server goes away: the page says so and keeps trying.
  const stopping = stop(server);
  await expect(status).toHaveAttribute('data-status', /reconnecting|offline/);
  await stopping;
  server = startServer();
  await untilUp();
  await expect(status).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
  const after = await price.textContent();
  await expect.poll(() => price.textContent(), { timeout: 10_000 }).not.toBe(after);
  expect(await card.evaluate((element) => (element as any).liveMark)).toBe(true);
});
