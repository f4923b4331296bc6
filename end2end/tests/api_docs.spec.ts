import { expect, test } from '@playwright/test';
import { trackErrors } from './helpers';

test('the API reference at /docs works from our own assets, without the internet', async ({
  page,
  context,
}, testInfo) => {
  const errors = trackErrors(page);
  const origin = new URL(testInfo.project.use.baseURL!).origin;
  const foreign: string[] = [];
  // Anything not served by us would fail here: this is the offline guarantee.
  await context.route('**/*', (route) => {
    if (new URL(route.request().url()).origin !== origin) {
      foreign.push(route.request().url());
      return route.abort();
    }
    return route.continue();
  });
  await page.goto('/docs');
  await expect(page.locator('.swagger-ui .info .title')).toContainText('investment_system API');
  // Operations from the document, grouped by tag.
  const run = page.locator('.opblock-post').filter({ hasText: '/api/v1/run' });
  await expect(run).toHaveCount(1);
  await expect(page.locator('.opblock-tag').filter({ hasText: 'watchlists' })).toBeVisible();
  await run.locator('.opblock-summary').click();
  // The request example and the documented answers, errors in the envelope included.
  await expect(run.locator('.opblock-body')).toContainText('lookback_days');
  await expect(run.locator('.responses-table')).toContainText('symbols_processed');
  await expect(run.locator('.responses-table')).toContainText('correlation_id');
  await expect(run.locator('.response[data-code="401"]')).toBeVisible();
  // The security schemes are offered.
  await expect(page.getByRole('button', { name: /Authorize/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('docs.png'), fullPage: false });
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});
