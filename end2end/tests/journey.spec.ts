import { expect, test } from '@playwright/test';
import {
  createWatchlist,
  expectDark,
  PASSWORD,
  registerNewUser,
  symbolCard,
  trackErrors,
  waitForHydration,
} from './helpers';

// The whole product in one sitting, as a new user meets it.
test('register, log in, watch, signal, chart, backtest, export, API key, theme, log out', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const errors = trackErrors(page);

  // Register, then log in again through the form.
  const email = await registerNewUser(page, 'journey');
  await waitForHydration(page);
  await page.getByTestId('logout').first().click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await waitForHydration(page);

  // A watchlist with AAPL and MSFT; signals for both.
  const list = await createWatchlist(page, 'Journey', ['AAPL', 'MSFT']);
  await list.getByTestId('run-signals').click();
  for (const symbol of ['AAPL', 'MSFT']) {
    const badge = symbolCard(page, symbol).getByTestId('signal-badge');
    await expect(badge).toBeVisible();
    expect(['BUY', 'SELL', 'HOLD']).toContain(await badge.getAttribute('data-signal'));
  }

  // AAPL's chart holds every bar and the indicator panes.
  await symbolCard(page, 'AAPL').getByRole('link', { name: 'AAPL' }).click();
  await expect(page).toHaveURL(/\/markets\/AAPL$/);
  const chart = () =>
    page.evaluate(() => {
      const instance = (window as any).echarts?.getInstanceByDom(document.getElementById('market-chart'));
      if (!instance) return null;
      const option = instance.getOption();
      return {
        days: option.xAxis[0].data.length,
        grids: option.grid.length,
        series: Object.fromEntries(option.series.map((s: any) => [s.name, (s.data ?? []).length])),
      };
    });
  await expect.poll(async () => (await chart())?.days ?? 0).toBeGreaterThan(1000);
  const drawn = (await chart())!;
  expect(drawn.series['Price']).toBe(drawn.days);
  for (const pane of ['Volume', 'RSI 14', 'MACD', 'MACD histogram']) {
    expect(drawn.series[pane], pane).toBe(drawn.days);
  }
  expect(drawn.grids).toBeGreaterThanOrEqual(4);

  // A backtest: metric cards and the equity curve.
  await page.getByRole('link', { name: 'Backtest', exact: true }).first().click();
  await waitForHydration(page);
  const form = page.getByTestId('backtest-form');
  await form.getByLabel('Symbol').fill('AAPL');
  await form.getByRole('button', { name: 'Run backtest' }).click();
  const results = page.getByTestId('backtest-results');
  await expect(results.getByTestId('metric')).toHaveCount(8);
  await expect
    .poll(() =>
      page.evaluate(() => {
        const instance = (window as any).echarts?.getInstanceByDom(document.getElementById('backtest-chart'));
        return instance ? (instance.getOption().series[0].data ?? []).length : 0;
      }),
    )
    .toBeGreaterThan(100);

  // The CSV download holds the header and exactly the rows of the table.
  await page.getByRole('link', { name: 'Signals', exact: true }).first().click();
  await expect(page.getByTestId('signal-row')).toHaveCount(2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const csv = await new Promise<string>((resolve, reject) => {
    download.createReadStream().then((stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.on('error', reject);
    }, reject);
  });
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0].split(',').slice(0, 3)).toEqual(['symbol', 'ts', 'signal']);
  const exported = lines.slice(1).map((line) => line.split(',').slice(0, 3).join(',')).sort();
  // Symbol, day and signal: the table's first three columns, the file's first three fields.
  const listed = await page.getByTestId('signal-row').evaluateAll((trs) =>
    trs.map((tr) =>
      Array.from(tr.querySelectorAll('td'))
        .slice(0, 3)
        .map((td) => td.textContent!.trim())
        .join(','),
    ),
  );
  expect(exported).toEqual(listed.sort());

  // An API key works from outside the browser, until it is revoked.
  await page.getByRole('link', { name: 'Account', exact: true }).first().click();
  await waitForHydration(page);
  await page.getByLabel('Key name').fill('journey bot');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!;
  const outside = await fetch(new URL('/api/v1/me', page.url()), { headers: { 'X-API-Key': key } });
  expect(outside.status).toBe(200);
  expect((await outside.json()).email).toBe(email);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Revoke the key journey bot' }).click();
  await expect(page.getByTestId('api-key')).toHaveCount(0);
  const refused = await fetch(new URL('/api/v1/me', page.url()), { headers: { 'X-API-Key': key } });
  expect(refused.status).toBe(401);

  // The dark theme survives a reload.
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectDark(page);

  // Log out: the dashboard is closed again.
  await waitForHydration(page);
  await page.getByTestId('logout').first().click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?next=\/dashboard$/);
  expect(errors).toEqual([]);
});
