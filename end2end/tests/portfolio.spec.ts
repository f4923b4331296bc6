import { expect, test } from '@playwright/test';
import { createWatchlist, registerNewUser, trackErrors, waitForHydration } from './helpers';

test('Portfolio mode backtests a watchlist: equity against the benchmark, stacked weights, contributions', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'portfolio');
  await waitForHydration(page);
  await createWatchlist(page, 'Income', ['KO', 'AAPL', 'MSFT']);

  await page.goto('/backtest');
  await waitForHydration(page);
  await page.getByTestId('mode-portfolio').click();
  await expect(page).toHaveURL(/mode=portfolio/);
  const form = page.getByTestId('portfolio-form');
  await form.getByTestId('portfolio-watchlist').selectOption({ label: 'Income (3 symbols)' });
  await form.getByTestId('portfolio-weights').selectOption('inverse_volatility');
  await form.getByTestId('portfolio-rebalance').selectOption('quarterly');
  await form.getByLabel('From', { exact: true }).fill('2021-01-01');
  await form.getByLabel('To', { exact: true }).fill('2022-12-31');
  await form.getByLabel('Benchmark').fill('SPY');
  await form.getByRole('button', { name: 'Run portfolio' }).click();

  // The URL keeps the portfolio, so a reload shows it again.
  await expect(page).toHaveURL(/weights=inverse_volatility/);
  await expect(page).toHaveURL(/rebalance=quarterly/);
  const results = page.getByTestId('portfolio-results');
  await expect(results.getByRole('heading', { level: 2 })).toContainText(/3 symbols from 2021-01-0\d to 2022-12-3\d/);
  await expect(results.getByTestId('metric')).toHaveCount(11);
  await expect(results.getByTestId('metric').filter({ hasText: 'Rebalances' })).toContainText('8');
  const rows = results.getByTestId('contribution-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('KO');

  const option = (id: string) =>
    page.evaluate((id) => {
      const echarts = (window as any).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById(id));
      if (!chart) return null;
      const o = chart.getOption();
      return { names: o.series.map((s: any) => s.name), stacks: o.series.map((s: any) => s.stack), points: o.series[0].data.length };
    }, id);
  await expect.poll(() => option('portfolio-chart')).not.toBeNull();
  const equity = (await option('portfolio-chart'))!;
  expect(equity.names).toEqual(['Portfolio', 'SPY', 'Drawdown']);
  expect(equity.points).toBeGreaterThan(480);
  await expect.poll(() => option('portfolio-weights-chart')).not.toBeNull();
  const weights = (await option('portfolio-weights-chart'))!;
  expect([...weights.names].sort()).toEqual(['AAPL', 'Cash', 'KO', 'MSFT']);
  expect(new Set(weights.stacks)).toEqual(new Set(['weights']));
  expect(weights.points).toBe(8);

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId('portfolio-form').getByTestId('portfolio-weights')).toHaveValue('inverse_volatility');
  await expect(page.getByTestId('contribution-row')).toHaveCount(3);
  expect(errors).toEqual([]);
});
