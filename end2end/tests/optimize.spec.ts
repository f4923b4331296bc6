import { expect, test } from '@playwright/test';
import { registerNewUser, trackErrors, waitForHydration } from './helpers';

test('Optimise mode draws the heatmap with one cell per run, and a click runs that pair', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'optimiser');
  await page.goto('/backtest');
  await waitForHydration(page);
  const form = page.getByTestId('backtest-form');
  await form.getByTestId('mode').selectOption('optimize');
  await form.getByLabel('Symbol').fill('AAPL');
  await form.getByLabel('Strategy').selectOption('sma_cross');
  // 3 × 3 pairs; 10/10, 20/10 and 20/20 break fast < slow and are skipped.
  await form.getByLabel('Fast SMA').fill('5,10,20');
  await form.getByLabel('Slow SMA').fill('10..30:10');
  await form.getByLabel('From', { exact: true }).fill('2019-01-01');
  await form.getByLabel('To', { exact: true }).fill('2023-12-31');
  await form.getByRole('button', { name: 'Run backtest' }).click();

  await expect(page).toHaveURL(/mode=optimize/);
  await expect(page).toHaveURL(/fast=5%2C10%2C20/);
  const results = page.getByTestId('optimize-results');
  await expect(results.getByRole('heading', { level: 2 })).toContainText('6 runs, 3 skipped');
  await expect(results.getByTestId('top-run')).toHaveCount(6);

  const drawn = () =>
    page.evaluate(() => {
      const echarts = (window as any).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById('optimize-heatmap'));
      if (!chart) return null;
      const option = chart.getOption();
      return {
        cells: option.series[0].data.map((d: any) => d.slice(0, 2)),
        xs: option.xAxis[0].data,
        ys: option.yAxis[0].data,
      };
    });
  await expect.poll(drawn).not.toBeNull();
  const heatmap = (await drawn())!;
  expect(heatmap.xs).toEqual(['5', '10', '20']);
  expect(heatmap.ys).toEqual(['10', '20', '30']);
  expect(heatmap.cells).toHaveLength(6);
  expect(heatmap.cells).not.toContainEqual([1, 0]); // 10/10 was skipped

  // Click the cell fast 10 (x 1), slow 30 (y 2) where ECharts drew it.
  const [x, y] = (await page.evaluate(() => {
    const echarts = (window as any).echarts;
    const chart = echarts.getInstanceByDom(document.getElementById('optimize-heatmap'));
    return chart.convertToPixel({ seriesIndex: 0 }, [1, 2]);
  })) as [number, number];
  // (The locator scrolls the chart into view first; positions are relative to it.)
  await page.locator('#optimize-heatmap').click({ position: { x, y } });

  await expect(page).toHaveURL(/fast=10&slow=30/);
  await expect(page).not.toHaveURL(/mode=optimize/);
  const single = page.getByTestId('backtest-results');
  await expect(single.getByTestId('metric')).toHaveCount(8);
  await expect(page.getByTestId('backtest-form').getByLabel('Slow SMA')).toHaveValue('30');
  await expect(page.getByTestId('backtest-form').getByLabel('Fast SMA')).toHaveValue('10');
  expect(errors).toEqual([]);
});

test('walk-forward optimisation lists each fold with its choice, in and out of sample', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'forward');
  await page.goto(
    '/backtest?mode=optimize&symbol=MSFT&strategy=sma_cross&fast=5,10&slow=30,60&from=2019-01-01&to=2023-12-31&train=250&test=125&maximize=Return%20%5B%25%5D',
  );
  await waitForHydration(page);
  const folds = page.getByTestId('walk-forward-folds');
  await expect(folds).toContainText('of 250 train + 125 test bars');
  const rows = folds.getByTestId('fold-row');
  expect(await rows.count()).toBeGreaterThanOrEqual(5);
  await expect(rows.first()).toContainText(/fast (5|10), slow (30|60)/);
  await expect(page.getByTestId('backtest-form').getByLabel('Optimise for')).toHaveValue('Return [%]');
  expect(errors).toEqual([]);
});
