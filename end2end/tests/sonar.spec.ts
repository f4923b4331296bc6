import { expect, test } from '@playwright/test';
import { makeAdmin, registerNewUser, trackErrors, waitForHydration } from './helpers';

// The test server indexes its working directory: this project's own source tree.
test('administrators index the code, read ranked context, browse neighbours and see findings', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = trackErrors(page);
  const email = await registerNewUser(page, 'sonar');
  makeAdmin(email);
  await page.goto('/sonar');
  await waitForHydration(page);

  await page.getByTestId('sonar-reindex').click();
  // The page polls the background run until it reports its outcome.
  await expect(page.getByTestId('sonar-run')).toHaveText(/The last run indexed \d+ files/, { timeout: 60_000 });
  await expect.poll(async () => Number(await page.getByTestId('sonar-files').textContent())).toBeGreaterThan(100);

  await page.getByTestId('sonar-symbols').fill('RateLimiter');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/symbols=RateLimiter/);
  const items = page.getByTestId('sonar-item');
  await expect(items.first()).toHaveAttribute('data-name', 'RateLimiter');
  await expect(items.first()).toContainText('pub struct RateLimiter');
  const count = await page.getByTestId('sonar-token-count').textContent();
  const [, shown, used, budget] = count!.match(/^(\d+) items · (\d+) of (\d+) tokens/)!;
  expect(Number(shown)).toBe(await items.count());
  expect(Number(budget)).toBe(8000);
  expect(Number(used)).toBeGreaterThan(0);
  expect(Number(used)).toBeLessThanOrEqual(8000);

  // The same answer as the API gives.
  const api = await (await page.request.get('/sonar/context?symbols=RateLimiter')).json();
  expect(api.items.length).toBe(await items.count());
  expect(api.tokens_used).toBe(Number(used));

  // Browse the match's file: who uses the rate limiter.
  await items.first().getByRole('link').click();
  await expect(page).toHaveURL(/file=src%2Fserver%2Frate_limit%2Fmod\.rs/);
  await expect(page.getByTestId('sonar-file')).toContainText('src/server/rate_limit/mod.rs');
  await expect(page.getByTestId('sonar-dependents').locator('li')).not.toHaveCount(0);

  // Findings (test passwords in test code), shown redacted.
  const findings = page.getByTestId('sonar-finding');
  await expect(findings).not.toHaveCount(0);
  for (const cell of await findings.locator('td:last-child').allTextContents()) expect(cell).toMatch(/…$/);

  // Unknown identifiers: a hint, not an error.
  await page.goto('/sonar?symbols=NoSuchIdentifierAnywhere');
  await expect(page.getByTestId('sonar-hint')).toContainText('NoSuchIdentifierAnywhere');
  expect(errors).toEqual([]);
});

test('the SONAR page refuses members', async ({ page }) => {
  await registerNewUser(page, 'sonar-member');
  await page.goto('/sonar');
  await expect(page.getByTestId('form-error')).toHaveAttribute('data-code', 'ADMIN_REQUIRED');
});
