import { defineConfig } from '@playwright/test';
import path from 'node:path';

// The release server (built by `make build`) on its own port and a throw-away SQLite file.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const dataDir = path.join(__dirname, '.e2e-data');
const serverBin =
  process.env.SERVER_BIN ?? path.join(root, 'target', 'release', 'investment-system');

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
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
    command: `rm -rf "${dataDir}" && mkdir -p "${dataDir}" && exec "${serverBin}" serve`,
    cwd: root,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      DATA_DIR: dataDir,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'warn',
      // Every test signs in from 127.0.0.1: the per-IP login limit would trip.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    },
  },
});
