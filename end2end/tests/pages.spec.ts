import { expect, Page, test } from '@playwright/test';
import { createWatchlist, makeAdmin, registerNewUser, trackErrors, waitForHydration } from './helpers';

/** Waits until every chart on the page has been drawn. */
async function chartsDrawn(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const charts = Array.from(document.querySelectorAll('[data-testid="chart"]'));
        const echarts = (window as any).echarts;
        return charts.every((element) => echarts?.getInstanceByDom(element));
      }),
    )
    .toBe(true);
}

const SIGNED_IN_PAGES = [
  ['dashboard', '/dashboard'],
  ['markets', '/markets'],
  ['market', '/markets/AAPL'],
  ['screener', '/screener?indicators=rsi%3A14&line1=rsi%3A14&op1=%3E&value1=0'],
  ['signals', '/signals'],
  ['backtest', '/backtest?symbol=AAPL&strategy=sma_cross&fast=10&slow=30'],
  ['account', '/account'],
  ['admin', '/admin'],
  ['sonar', '/sonar'],
];
const VISITOR_PAGES = [
  ['home', '/'],
  ['login', '/login'],
  ['register', '/register'],
  ['not-found', '/no-such-page'],
];

test('every page renders in light and dark without a console error (screenshots kept)', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  for (const theme of ['light', 'dark']) {
    const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
    await context.addCookies([
      { name: 'theme', value: theme, url: testInfo.project.use.baseURL! },
    ]);
    const page = await context.newPage();
    const errors = trackErrors(page);
    const shoot = async (name: string, url: string) => {
      const response = await page.goto(url);
      expect(response!.status(), url).toBeLessThan(name === 'not-found' ? 500 : 400);
      await waitForHydration(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      // The test server serves the demo market: every page must say so.
      await expect(page.getByTestId('demo-banner'), url).toContainText('Demo data');
      await chartsDrawn(page);
      // Kept in test-results/ as the run's artifacts.
      await page.screenshot({ path: testInfo.outputPath(`${name}-${theme}.png`), fullPage: true });
    };

    for (const [name, url] of VISITOR_PAGES) await shoot(name, url);

    const email = await registerNewUser(page, `pages-${theme}`);
    makeAdmin(email);
    await waitForHydration(page);
    const list = await createWatchlist(page, 'Shots', ['AAPL', 'MSFT']);
    await list.getByTestId('run-signals').click();
    await expect(list.getByTestId('signal-badge')).toHaveCount(2);
    for (const [name, url] of SIGNED_IN_PAGES) await shoot(name, url);
    await expect(page.getByTestId('sonar-metrics')).toBeVisible();

    // A 404 page reports its status as a failed resource; nothing else may fail.
    const unexpected = errors.filter((e) => !e.includes('404 (Not Found)'));
    expect(unexpected, theme).toEqual([]);
    await context.close();
  }
});

test('administrators change tiers and deactivate users from the admin page', async ({ page, browser }, testInfo) => {
  const errors = trackErrors(page);
  const adminEmail = await registerNewUser(page, 'admin');
  makeAdmin(adminEmail);

  // Someone else, signed in elsewhere.
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const otherPage = await other.newPage();
  const memberEmail = await registerNewUser(otherPage, 'member');

  await page.goto(`/admin?q=${encodeURIComponent(memberEmail)}`);
  await waitForHydration(page);
  await expect(page.getByTestId('metric-requests-per-second')).toHaveText(/^\d+\.\d{2}$/);
  await expect(page.getByTestId('route-table').locator('tr')).not.toHaveCount(1);
  const row = page.locator(`[data-testid="user-row"][data-email="${memberEmail}"]`);
  await expect(page.getByTestId('user-row')).toHaveCount(1);

  await row.getByLabel(`Tier of ${memberEmail}`).selectOption('pro');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect
    .poll(async () => (await (await otherPage.request.get('/api/v1/me')).json()).tier)
    .toBe('pro');

  await row.getByRole('button', { name: `Deactivate ${memberEmail}` }).click();
  await expect(row.getByTestId('user-status')).toHaveText('deactivated');
  // Deactivation ended the member's session.
  await otherPage.goto('/dashboard');
  await expect(otherPage).toHaveURL(/\/login/);
  await row.getByRole('button', { name: `Reactivate ${memberEmail}` }).click();
  await expect(row.getByTestId('user-status')).toHaveText('active');
  await other.close();
  expect(errors).toEqual([]);
});

test('the admin page refuses members', async ({ page }) => {
  await registerNewUser(page, 'not-admin');
  await page.goto('/admin');
  await expect(page.getByTestId('form-error')).toHaveAttribute('data-code', 'ADMIN_REQUIRED');
});
