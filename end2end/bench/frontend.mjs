// Front-end speed, measured (not asserted): the release hydrate bundle's raw and
// gzipped sizes, and first contentful paint of real pages in Chromium on loopback,
// each against a reference measured in the same run. Run by `make bench`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..', '..');
const site = path.join(root, 'target', 'site');
const serverBin =
  process.env.SERVER_BIN ?? path.join(root, 'target', 'release', 'investment-system');
const port = Number(process.env.BENCH_PORT ?? 3195);
const base = `http://127.0.0.1:${port}`;
const RUNS = 15;
const BUNDLE_TARGET_KB = 400;
const FCP_TARGET_MS = 500;

const kb = (bytes) => (bytes / 1024).toFixed(1);

function bundleSizes() {
  const pkg = path.join(site, 'pkg');
  // What every page loads first: the main wasm, its glue, and (split builds) the chunk loader.
  const initial = ['investment-system.wasm', 'investment-system.js'].concat(
    fs.readdirSync(pkg).filter((f) => f.startsWith('__wasm_split') && f.endsWith('.js')),
  );
  const pages = fs.readdirSync(pkg).filter((f) => f.startsWith('split_') && f.endsWith('.wasm'));
  let raw = 0;
  let gzip = 0;
  console.log('file                                          raw KB   gzip KB');
  const show = (label, bytes, zipped) =>
    console.log(`${label.padEnd(44)}${kb(bytes).padStart(8)}${kb(zipped).padStart(10)}`);
  for (const file of [...initial, 'investment-system.css', ...pages]) {
    const bytes = fs.readFileSync(path.join(pkg, file));
    const zipped = zlib.gzipSync(bytes, { level: 9 }).length;
    show(`pkg/${file.replace(/_\d+\.wasm$/, '.wasm')}`, bytes.length, zipped);
    if (initial.includes(file)) {
      raw += bytes.length;
      gzip += zipped;
    }
  }
  const echarts = fs.readFileSync(path.join(site, 'vendor/echarts.min.js'));
  show('vendor/echarts.min.js (chart pages)', echarts.length, zlib.gzipSync(echarts, { level: 9 }).length);
  console.log(
    `initial hydrate bundle (main wasm + js${pages.length ? ' + chunk loader' : ''}): ` +
      `${kb(raw)} KB raw, ${kb(gzip)} KB gzip; ` +
      `target <= ${BUNDLE_TARGET_KB} KB gzip: ${gzip / 1024 <= BUNDLE_TARGET_KB ? 'met' : 'MISSED'}`,
  );
}

async function untilUp() {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start');
}

/** FCP in ms of `url`, each run in a fresh context (no cache) with `storageState`. */
async function paints(browser, url, storageState) {
  const times = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const context = await browser.newContext({ storageState });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const fcp = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const seen = performance.getEntriesByName('first-contentful-paint')[0];
          if (seen) return resolve(seen.startTime);
          new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime)).observe({
            type: 'paint',
            buffered: true,
          });
        }),
    );
    // The first two runs warm the server and the browser process.
    if (i >= 2) times.push(fcp);
    await context.close();
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.round((times.length - 1) * p)];
  return { p50: at(0.5), p95: at(0.95) };
}

async function main() {
  bundleSizes();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-frontend-'));
  const server = spawn(serverBin, ['serve'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/bench.db`,
      DATA_DIR: dataDir,
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'error',
      SESSION_RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  try {
    await untilUp();
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    // A signed-in user with a watchlist of five symbols.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/register`);
    await page.getByLabel('Email').fill('fcp@example.com');
    await page.getByLabel('Password').fill('Sup3r-Secret-Pass!');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.locator('html[data-hydrated="true"]').waitFor();
    await page.getByTestId('new-watchlist').getByLabel('Name').fill('Bench');
    await page.getByRole('button', { name: 'Create' }).click();
    for (const symbol of ['AAPL', 'MSFT', 'NVDA', 'KO', 'SPY']) {
      const list = page.getByTestId('watchlist').filter({ hasText: 'Bench' });
      await list.getByLabel('Add a symbol').fill(symbol);
      await list.getByRole('button', { name: 'Add' }).click();
      await page.locator(`[data-testid="symbol-card"][data-symbol="${symbol}"]`).waitFor();
    }
    const signedIn = await context.storageState();
    await context.close();

    const reference = await paints(
      browser,
      'data:text/html,<!doctype html><meta charset=utf-8><h1>Reference</h1>',
      undefined,
    );
    console.log('\npage                      FCP p50 ms  p95 ms  x reference p50');
    const row = (label, r) =>
      console.log(
        `${label.padEnd(26)}${r.p50.toFixed(0).padStart(10)}${r.p95.toFixed(0).padStart(8)}` +
          `${(r.p50 / reference.p50).toFixed(1).padStart(17)}`,
      );
    row('reference (static HTML)', reference);
    let worst = 0;
    for (const [label, url, state] of [
      ['/ (visitor)', '/', undefined],
      ['/login', '/login', undefined],
      ['/dashboard (5 symbols)', '/dashboard', signedIn],
      ['/markets/AAPL', '/markets/AAPL', signedIn],
    ]) {
      const result = await paints(browser, `${base}${url}`, state);
      row(label, result);
      worst = Math.max(worst, result.p95);
    }
    console.log(
      `worst FCP p95 ${worst.toFixed(0)} ms; target < ${FCP_TARGET_MS} ms: ${worst < FCP_TARGET_MS ? 'met' : 'MISSED'}`,
    );
    await browser.close();
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
