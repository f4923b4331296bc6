import { expect, test } from '@playwright/test';
import { expectDark, expectLight } from './helpers';

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the home page is complete without any script', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Investment signals you can verify',
    );
    const nav = page.getByRole('navigation', { name: 'Main', exact: true });
    for (const label of ['Dashboard', 'Markets', 'Signals', 'Backtest', 'Account']) {
      await expect(nav.getByRole('link', { name: label })).toBeVisible();
    }
    await expect(page.getByTestId('system-status')).toContainText('Operational');
    await expect(page.getByTestId('version')).toHaveText(/^v\d+\.\d+\.\d+$/);
  });

  test('unknown pages get the styled 404 page', async ({ page }) => {
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Back to the home page' })).toBeVisible();
  });
});

test.describe('first paint, before the client script runs', () => {
  // Block the client bundle: what is painted is the server's HTML and CSS alone.
  test.beforeEach(async ({ page }) => {
    await page.route('**/pkg/*.{js,wasm}', (route) => route.abort());
  });

  test('a dark theme cookie paints dark at once', async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: 'theme', value: 'dark', url: baseURL! }]);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expectDark(page);
  });

  test('a light theme cookie stays light on a dark system', async ({ page, context, baseURL }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await context.addCookies([{ name: 'theme', value: 'light', url: baseURL! }]);
    await page.goto('/');
    await expectLight(page);
  });

  test('without a cookie the system preference decides', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
    await expectDark(page);
  });
});
