import { expect, test } from '@playwright/test';
import { registerNewUser, trackErrors, waitForHydration } from './helpers';

// What the equity chart draws: series names with their point counts, and the axis type.
const equityChart = (page: any) =>
  page.evaluate(() => {
    const echarts = (window as any).echarts;
    const chart = echarts?.getInstanceByDom(document.getElementById('backtest-chart'));
    if (!chart) return null;
    const option = chart.getOption();
    return {
      series: option.series.map((s: any) => s.name),
      axis: option.yAxis[0].type,
    };
  });

test('a benchmark from the form draws its line, compares, and log scale bends the equity axis', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'benchmarker');
  await page.goto('/backtest');
  await waitForHydration(page);
  const form = page.getByTestId('backtest-form');
  await form.getByLabel('Symbol').fill('AAPL');
  await form.getByLabel('Fast SMA').fill('10');
  await form.getByLabel('Slow SMA').fill('30');
  await form.getByLabel('Benchmark').fill('spy');
  await form.getByLabel('From', { exact: true }).fill('2019-01-01');
  await form.getByLabel('To', { exact: true }).fill('2023-12-31');
  await form.getByRole('button', { name: 'Run backtest' }).click();

  await expect(page).toHaveURL(/benchmark=spy/);
  const summary = page.getByTestId('benchmark-summary');
  await expect(summary).toContainText('Against SPY held over the same bars');
  await expect(summary).toContainText(/excess return [+-]\d+\.\d\d pp; alpha -?\d+\.\d\d %, beta -?\d+\.\d\d/);

  await expect.poll(() => equityChart(page)).not.toBeNull();
  expect((await equityChart(page))!).toEqual({
    series: ['Strategy', 'Buy & hold', 'Benchmark', 'Drawdown'],
    axis: 'value',
  });
  await page.getByTestId('log-scale').check();
  await expect.poll(async () => (await equityChart(page))?.axis).toBe('log');
  await page.getByTestId('log-scale').uncheck();
  await expect.poll(async () => (await equityChart(page))?.axis).toBe('value');
  expect(errors).toEqual([]);
});

test('Monte Carlo lists the percentiles and draws the fan chart, the same for the same seed', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'carlo');
  const url =
    '/backtest?symbol=MSFT&strategy=sma_cross&fast=10&slow=30&from=2019-01-01&to=2023-12-31&monte_carlo=bootstrap_returns&runs=500&seed=7';
  await page.goto(url);
  await waitForHydration(page);
  const carlo = page.getByTestId('monte-carlo');
  await expect(carlo).toContainText('Monte Carlo: 500 runs of bootstrapped daily returns, seed 7');
  const rows = carlo.getByTestId('monte-carlo-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('Final equity');
  await expect(page.getByTestId('backtest-form').getByLabel('Monte Carlo')).toHaveValue('bootstrap_returns');

  const fan = () =>
    page.evaluate(() => {
      const echarts = (window as any).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById('monte-carlo-chart'));
      if (!chart) return null;
      const option = chart.getOption();
      return option.series.map((s: any) => [s.name, s.data.length, s.stack ?? null]);
    });
  await expect.poll(fan).not.toBeNull();
  const series = (await fan())!;
  expect(series.map((s: any) => s[0])).toEqual([
    '5th percentile',
    '5–25 %',
    '25–75 %',
    '75–95 %',
    'Median',
  ]);
  expect(series.every((s: any) => s[1] === 250)).toBe(true);
  expect(series[4][2]).toBeNull();

  // The same URL (same seed) gives the same numbers.
  const first = await rows.first().textContent();
  await page.reload();
  await expect(page.getByTestId('monte-carlo-row').first()).toHaveText(first!);
  expect(errors).toEqual([]);
});

test('the trades table pages through a long backtest twenty at a time', async ({ page }) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'pager');
  await page.goto('/backtest?symbol=TSLA&strategy=sma_cross&fast=5&slow=10&allow_short=on');
  await waitForHydration(page);
  const results = page.getByTestId('backtest-results');
  const position = results.getByTestId('trades-page');
  await expect(position).toContainText(/^Trades 1–20 of \d+$/);
  const total = Number((await position.textContent())!.match(/of (\d+)/)![1]);
  expect(total).toBeGreaterThan(40);
  await expect(results.getByTestId('metric').filter({ hasText: 'Trades' })).toContainText(String(total));
  const rows = results.getByTestId('trade-row');
  await expect(rows).toHaveCount(20);
  const previous = results.getByRole('button', { name: 'Previous' });
  const next = results.getByRole('button', { name: 'Next' });
  await expect(previous).toBeDisabled();
  const firstEntry = await rows.first().locator('td').first().textContent();

  await next.click();
  await expect(position).toHaveText(`Trades 21–40 of ${total}`);
  await expect(rows).toHaveCount(20);
  await expect(rows.first().locator('td').first()).not.toHaveText(firstEntry!);
  await expect(previous).toBeEnabled();

  const pages = Math.ceil(total / 20);
  for (let p = 2; p < pages; p++) await next.click();
  await expect(position).toHaveText(`Trades ${(pages - 1) * 20 + 1}–${total} of ${total}`);
  await expect(rows).toHaveCount(total - (pages - 1) * 20);
  await expect(next).toBeDisabled();
  await previous.click();
  await expect(position).toHaveText(`Trades ${(pages - 2) * 20 + 1}–${(pages - 1) * 20} of ${total}`);
  expect(errors).toEqual([]);
});
