import { expect, Page, test } from '@playwright/test';
import { registerNewUser, trackErrors, waitForHydration } from './helpers';

function card(page: Page, symbol: string) {
  return page.locator(`[data-testid="symbol-card"][data-symbol="${symbol}"]`);
}

async function summaryTotal(page: Page): Promise<number> {
  let total = 0;
  for (const kind of ['buy', 'sell', 'hold']) {
    total += Number(await page.getByTestId(`summary-${kind}`).textContent());
  }
  return total;
}

test('a watchlist: create, fill, run signals, rename, trim and delete (with JavaScript)', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'watcher');
  await waitForHydration(page);
  await expect(page.getByTestId('no-watchlists')).toBeVisible();

  await page.getByTestId('new-watchlist').getByLabel('Name').fill('Tech');
  await page.getByRole('button', { name: 'Create' }).click();
  const list = page.getByTestId('watchlist').filter({ hasText: 'Tech' });
  await expect(list).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: 'Watchlist created' })).toHaveAttribute(
    'data-kind',
    'success',
  );
  await expect(page.getByTestId('usage-watchlists')).toHaveText('1 of 3');

  for (const symbol of ['aapl', 'MSFT']) {
    await list.getByLabel('Add a symbol').fill(symbol);
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(card(page, symbol.toUpperCase())).toBeVisible();
    await expect(list.getByLabel('Add a symbol')).toHaveValue('');
  }
  await expect(page.getByTestId('usage-symbols')).toHaveText('2 of 10');
  const apple = card(page, 'AAPL');
  await expect(apple.getByTestId('last-price')).toHaveText(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  // 30 closes, and today's live price once the feed answers.
  await expect(apple.getByTestId('sparkline')).toHaveAttribute('data-points', /^3[01]$/);
  await expect(apple.getByTestId('no-signal')).toBeVisible();

  // Mistakes show their catalog code and change nothing.
  await list.getByLabel('Add a symbol').fill('ZZZZ');
  await list.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('form-error')).toHaveAttribute('data-code', 'SYMBOL_NOT_FOUND');
  // A toast says so too, with what support needs to find the request.
  const failure = page.getByTestId('toast').filter({ hasText: 'SYMBOL_NOT_FOUND' });
  await expect(failure).toHaveAttribute('data-kind', 'failure');
  await expect(failure.getByTestId('toast-correlation-id')).toHaveText(/^[0-9a-zA-Z-]{16,}$/);
  await list.getByLabel('Add a symbol').fill('AAPL');
  await list.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('form-error')).toHaveAttribute(
    'data-code',
    'SYMBOL_ALREADY_IN_WATCHLIST',
  );
  await expect(list.getByTestId('symbol-card')).toHaveCount(2);

  await list.getByTestId('run-signals').click();
  const badges = list.getByTestId('signal-badge');
  await expect(badges).toHaveCount(2);
  for (const badge of await badges.all()) {
    expect(['BUY', 'SELL', 'HOLD']).toContain(await badge.getAttribute('data-signal'));
  }
  expect(await summaryTotal(page)).toBe(2);
  await expect(page.getByTestId('recent-signals').locator('li')).toHaveCount(2);

  await list.getByText('Rename').click();
  await list.getByLabel('New name').fill('Mega caps');
  await list.getByRole('button', { name: 'Save' }).click();
  const renamed = page.getByTestId('watchlist').filter({ hasText: 'Mega caps' });
  await expect(renamed.getByRole('heading', { name: 'Mega caps' })).toBeVisible();

  await renamed.getByRole('button', { name: 'Remove MSFT' }).click();
  await expect(card(page, 'MSFT')).toHaveCount(0);
  await page.reload();
  await expect(card(page, 'AAPL').getByTestId('signal-badge')).toBeVisible();
  await expect(card(page, 'MSFT')).toHaveCount(0);

  await waitForHydration(page);
  await page.getByRole('button', { name: 'Delete the watchlist Mega caps' }).click();
  await expect(page.getByTestId('no-watchlists')).toBeVisible();

  // The two refused adds are the only failed requests the browser may report.
  const failed = errors.filter((e) => e.includes('Failed to load resource'));
  expect(failed).toHaveLength(2);
  expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
});

test('signed out, the dashboard sends you to log in; signed in, home sends you to it', async ({
  page,
}) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?next=\/dashboard$/);
  await registerNewUser(page, 'homebound');
  await page.goto('/');
  await expect(page).toHaveURL(/\/dashboard$/);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the signed-in dashboard fits the screen and the menu holds the navigation', async ({
    page,
  }) => {
    await registerNewUser(page, 'phone');
    await waitForHydration(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByTestId('new-watchlist').getByLabel('Name').fill('Pocket');
    await page.getByRole('button', { name: 'Create' }).click();
    const list = page.getByTestId('watchlist').filter({ hasText: 'Pocket' });
    await list.getByLabel('Add a symbol').fill('SPY');
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(card(page, 'SPY').getByTestId('last-price')).toBeVisible();

    await page.getByRole('button', { name: 'Open menu' }).click();
    const menu = page.getByRole('navigation', { name: 'Main (mobile)' });
    await expect(menu.getByRole('link', { name: 'Account' })).toBeVisible();
    await menu.getByTestId('logout').click();
    await expect(page).toHaveURL(/\/$/);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('watchlists, symbols and signal runs work as plain forms', async ({ page }) => {
    await registerNewUser(page, 'plain-watcher');
    await page.getByTestId('new-watchlist').getByLabel('Name').fill('Plain');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    const list = page.getByTestId('watchlist').filter({ hasText: 'Plain' });
    await list.getByLabel('Add a symbol').fill('NVDA');
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(card(page, 'NVDA').getByTestId('last-price')).toBeVisible();

    await list.getByLabel('Add a symbol').fill('not a symbol');
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(page.getByTestId('form-error')).toHaveAttribute('data-code', 'INVALID_SYMBOL');

    await page.getByTestId('watchlist').getByTestId('run-signals').click();
    await expect(card(page, 'NVDA').getByTestId('signal-badge')).toBeVisible();
  });
});

test('the market page charts every bar with its indicator panes and the signals', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'charts');
  await waitForHydration(page);
  await page.getByTestId('new-watchlist').getByLabel('Name').fill('Charts');
  await page.getByRole('button', { name: 'Create' }).click();
  const list = page.getByTestId('watchlist').filter({ hasText: 'Charts' });
  await list.getByLabel('Add a symbol').fill('AAPL');
  await list.getByRole('button', { name: 'Add' }).click();
  await list.getByTestId('run-signals').click();
  await expect(card(page, 'AAPL').getByTestId('signal-badge')).toBeVisible();

  await card(page, 'AAPL').getByRole('link', { name: 'AAPL' }).click();
  await expect(page).toHaveURL(/\/markets\/AAPL$/);
  await expect(page.getByTestId('market-symbol')).toHaveText('AAPL');
  await expect(page.getByTestId('signal-reasons').locator('li').first()).toBeVisible();

  const option = () =>
    page.evaluate(() => {
      const echarts = (window as any).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById('market-chart'));
      if (!chart) return null;
      const option = chart.getOption();
      return {
        days: option.xAxis[0].data.length,
        series: option.series.map((s: any) => ({ name: s.name, length: (s.data ?? []).length })),
        start: option.dataZoom[0].startValue,
        rising: option.series[0].itemStyle?.color,
        falling: option.series[0].itemStyle?.color0,
      };
    });
  await expect.poll(async () => (await option())?.days ?? 0).toBeGreaterThan(2000);
  const drawn = (await option())!;
  const length = (name: string) => drawn.series.find((s: any) => s.name === name)?.length;
  for (const name of ['Price', 'Volume', 'RSI 14', 'MACD', 'MACD signal', 'MACD histogram', 'SMA 20']) {
    expect(length(name), name).toBe(drawn.days);
  }
  expect(length('BB upper')).toBeUndefined();
  // Rising candles green, falling ones red.
  expect([drawn.rising, drawn.falling]).toEqual(['#16a34a', '#dc2626']);
  expect((length('BUY signals') ?? 0) + (length('SELL signals') ?? 0)).toBeLessThanOrEqual(1);

  // Overlays switch on, and the range moves the zoom window.
  await page.getByLabel('Bollinger').check();
  await expect.poll(async () => (await option())?.series.some((s: any) => s.name === 'BB upper')).toBe(true);
  await page.getByRole('button', { name: '1Y' }).click();
  await expect.poll(async () => (await option())?.start).not.toBe(drawn.start);
  expect(errors).toEqual([]);
});

test('the signals page filters, sorts, pages and exports exactly what it lists', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'lister');
  await waitForHydration(page);
  await page.getByTestId('new-watchlist').getByLabel('Name').fill('Listed');
  await page.getByRole('button', { name: 'Create' }).click();
  const list = page.getByTestId('watchlist').filter({ hasText: 'Listed' });
  for (const symbol of ['AAPL', 'MSFT', 'KO']) {
    await list.getByLabel('Add a symbol').fill(symbol);
    await list.getByRole('button', { name: 'Add' }).click();
    await expect(card(page, symbol)).toBeVisible();
  }
  await list.getByTestId('run-signals').click();
  await expect(list.getByTestId('signal-badge')).toHaveCount(3);

  await page.getByRole('link', { name: 'Signals', exact: true }).first().click();
  await expect(page).toHaveURL(/\/signals$/);
  await expect(page.getByTestId('signal-row')).toHaveCount(3);

  // Sorting by confidence orders the rows from the most confident down.
  await page.getByLabel('Sort').selectOption('confidence');
  const confidences = (await page.getByTestId('row-confidence').allTextContents()).map((t) =>
    parseInt(t, 10),
  );
  expect(confidences).toEqual([...confidences].sort((a, b) => b - a));

  // Filters live in the URL.
  const filters = page.getByTestId('signal-filters');
  await filters.getByLabel('Symbols').fill('AAPL,KO');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/symbol=AAPL%2CKO/);
  await expect(page.getByTestId('signal-row')).toHaveCount(2);

  // The export holds exactly the listed rows.
  const href = await page.getByTestId('export-csv').getAttribute('href');
  expect(href).toContain('symbols=AAPL%2CKO');
  const csv = await (await page.request.get(href!)).text();
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe(
    'symbol,ts,signal,confidence,score,price,rsi14,sma20,sma50,macd,model,is_stale,created_at',
  );
  const exported = lines.slice(1).map((line) => line.split(',')[0]).sort();
  const listed = (await page.getByTestId('signal-row').locator('td:first-child').allTextContents()).sort();
  expect(exported).toEqual(listed);

  await expect(page.getByRole('heading', { name: 'Track record' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a backtest runs from a form kept in the URL and draws equity and trades', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'tester');
  await page.goto('/backtest');
  await waitForHydration(page);
  const form = page.getByTestId('backtest-form');
  await form.getByLabel('Symbol').fill('MSFT');
  await form.getByLabel('Strategy').selectOption('sma_cross');
  await form.getByLabel('Fast SMA').fill('10');
  await form.getByLabel('Slow SMA').fill('30');
  await form.getByLabel('Allow shorting').check();
  await form.getByLabel('From', { exact: true }).fill('2022-01-01');
  await form.getByLabel('To', { exact: true }).fill('2024-12-31');
  await form.getByRole('button', { name: 'Run backtest' }).click();

  await expect(page).toHaveURL(/symbol=MSFT/);
  await expect(page).toHaveURL(/slow=30/);
  const results = page.getByTestId('backtest-results');
  await expect(results.getByTestId('metric')).toHaveCount(8);
  const rows = await results.getByTestId('trade-row').count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThanOrEqual(20);
  const paging = (await results.getByTestId('trades-page').textContent())!;
  const trades = Number(paging.match(/of (\d+)/)![1]);
  expect(trades).toBeGreaterThanOrEqual(rows);
  await expect(results.getByTestId('metric').filter({ hasText: 'Trades' })).toContainText(String(trades));

  const drawn = () =>
    page.evaluate(() => {
      const echarts = (window as any).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById('backtest-chart'));
      if (!chart) return null;
      const option = chart.getOption();
      return option.series.map((s: any) => [s.name, (s.data ?? []).length]);
    });
  await expect.poll(drawn).not.toBeNull();
  const series = (await drawn())!;
  expect(series.map((s: any) => s[0])).toEqual(['Strategy', 'Buy & hold', 'Drawdown']);
  expect(series[0][1]).toBeGreaterThan(700);

  // The URL alone brings the same result back.
  const returned = await results.getByTestId('metric').first().textContent();
  await page.reload();
  await expect(page.getByTestId('backtest-results').getByTestId('metric').first()).toHaveText(returned!);
  await expect(page.getByTestId('backtest-form').getByLabel('Slow SMA')).toHaveValue('30');
  expect(errors).toEqual([]);
});
