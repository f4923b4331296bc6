import { expect, test } from '@playwright/test';
import { createWatchlist, registerNewUser, symbolCard, trackErrors, waitForHydration } from './helpers';

test('the screener builds a screen in the URL, sorts every match, saves it, exports it and fills a watchlist', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'screener');
  await waitForHydration(page);
  await createWatchlist(page, 'Picks', []);

  await page.goto('/screener');
  await waitForHydration(page);
  const form = page.getByTestId('screen-form');
  await form.getByLabel('Show lines').fill('rsi:14, sma:50');
  await form.getByLabel('Line 1').fill('rsi:14');
  await form.getByLabel('Operator 1').selectOption('>');
  await form.getByLabel('Value 1').fill('0');
  await form.getByRole('button', { name: 'Screen' }).click();

  // The screen lives in the URL; the builder offers a row for the next condition.
  await expect(page).toHaveURL(/line1=rsi%3A14/);
  await expect(page).toHaveURL(/op1=%3E/);
  await expect(page.getByTestId('condition-row')).toHaveCount(2);
  const rows = page.getByTestId('screen-row');
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThan(5);
  await expect(page.getByTestId('screen-summary')).toContainText(`${count} of ${count} symbols match`);
  await expect(rows.first().getByTestId('sparkline')).toHaveAttribute('data-points', '30');

  // Sorting is the server's, over every match: largest RSI first, then smallest.
  const rsi = async () =>
    (await page.locator('[data-testid="screen-row"] td[data-line="rsi:14"]').allInnerTexts()).map(Number);
  await page.getByTestId('sort-rsi:14').click();
  await expect(page).toHaveURL(/sort=-rsi%3A14/);
  await expect(page.getByRole('columnheader', { name: /rsi:14 ▼/ })).toBeVisible();
  const descending = await rsi();
  expect(descending.length).toBe(count);
  expect([...descending].sort((a, b) => b - a)).toEqual(descending);
  await page.getByTestId('sort-rsi:14').click();
  await expect(page).toHaveURL(/sort=rsi%3A14/);
  await expect(page.getByRole('columnheader', { name: /rsi:14 ▲/ })).toBeVisible();
  const ascending = await rsi();
  expect(ascending).toEqual([...descending].reverse());

  // A condition nothing meets empties the table.
  await page.goto('/screener?line1=rsi%3A14&op1=%3C&value1=-1');
  await expect(page.getByTestId('no-matches')).toBeVisible();
  await page.goBack();
  await waitForHydration(page);
  await expect(rows).toHaveCount(count);

  // Select the two lowest-RSI rows and add them to the watchlist.
  const first = await rows.nth(0).getAttribute('data-symbol');
  const second = await rows.nth(1).getAttribute('data-symbol');
  await page.getByLabel(`Select ${first}`).check();
  await page.getByLabel(`Select ${second}`).check();
  await page.getByTestId('screen-target-watchlist').selectOption({ label: 'Picks' });
  const add = page.getByTestId('screen-add-to-watchlist');
  await expect(add).toHaveText('Add 2 selected');
  await add.click();
  await expect(page.getByTestId('toasts')).toContainText('Added 2 symbol(s) to the watchlist');

  // The export is the whole screen as CSV, with the same lines.
  const exportHref = await page.getByTestId('screen-export').getAttribute('href');
  expect(exportHref).toContain('/api/v1/screen.csv?');
  const csv = await (await page.request.get(exportHref!)).text();
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe('symbol,ts,price,change_pct,signal,confidence,rsi:14,sma:50');
  expect(lines.length).toBe(count + 1);
  expect(lines[1].split(',')[0]).toBe(first);

  // Saved screens open as their URL.
  await page.getByLabel('Screen name').fill('Lowest RSI');
  await page.getByRole('button', { name: 'Save this screen' }).click();
  const saved = page.getByTestId('saved-screen');
  await expect(saved).toHaveText('Lowest RSI');
  await page.goto('/screener');
  await waitForHydration(page);
  await page.getByTestId('saved-screen').click();
  await expect(page).toHaveURL(/sort=rsi%3A14/);
  await expect(page.getByTestId('screen-form').getByLabel('Line 1')).toHaveValue('rsi:14');

  // The verdict filter keeps one verdict.
  await page.getByTestId('screen-verdict').selectOption('HOLD');
  await page.getByTestId('screen-form').getByRole('button', { name: 'Screen' }).click();
  await expect(page).toHaveURL(/signal=HOLD/);
  for (const verdict of await page.getByTestId('row-signal').allInnerTexts()) expect(verdict).toBe('HOLD');

  await page.goto('/dashboard');
  await waitForHydration(page);
  await expect(symbolCard(page, first!)).toBeVisible();
  await expect(symbolCard(page, second!)).toBeVisible();
  expect(errors).toEqual([]);
});
