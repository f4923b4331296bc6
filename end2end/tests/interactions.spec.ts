import { expect, test } from '@playwright/test';
import { expectDark, expectLight, trackErrors, waitForHydration } from './helpers';

test('the theme toggle switches theme and the choice survives a reload', async ({
  page,
  context,
}) => {
  const errors = trackErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await waitForHydration(page);
  await expectLight(page);

  const dark = page.getByRole('button', { name: 'Dark theme' });
  await dark.click();
  await expect(dark).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectDark(page);
  const cookie = (await context.cookies()).find((c) => c.name === 'theme');
  expect(cookie?.value).toBe('dark');

  // The server already renders the choice: no flash of the light theme.
  const reloaded = await page.reload();
  expect(await reloaded!.text()).toContain('data-theme="dark"');
  await waitForHydration(page);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expectDark(page);

  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expectLight(page);
  expect(errors).toEqual([]);
});

test('the system theme follows the operating system live', async ({ page }) => {
  const errors = trackErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await page.getByRole('button', { name: 'System theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
  await expectLight(page);

  await page.emulateMedia({ colorScheme: 'dark' });
  await expectDark(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await expectLight(page);
  expect(errors).toEqual([]);
});

test('transitions are switched off for people who prefer reduced motion', async ({ page }) => {
  const duration = () =>
    page.evaluate(() => parseFloat(getComputedStyle(document.body).transitionDuration));
  await page.goto('/');
  expect(await duration()).toBeGreaterThan(0.1);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await duration()).toBeLessThan(0.001);
});

test.describe('on a narrow screen', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the navigation collapses into a menu that opens and closes', async ({ page }) => {
    const errors = trackErrors(page);
    await page.goto('/');
    await waitForHydration(page);
    await expect(page.getByRole('navigation', { name: 'Main', exact: true })).toBeHidden();
    const menu = page.locator('#mobile-menu');
    await expect(menu).toBeHidden();

    const toggle = page.getByRole('button', { name: 'Open menu' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('link', { name: 'Signals' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close menu' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );

    await page.getByRole('button', { name: 'Close menu' }).click();
    await expect(menu).toBeHidden();
    expect(errors).toEqual([]);
  });
});

test('the home page loads without console errors', async ({ page }) => {
  const errors = trackErrors(page);
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByTestId('system-status')).toContainText('Operational');
  expect(errors).toEqual([]);
});
