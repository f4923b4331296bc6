import { expect, test } from '@playwright/test';
import {
  PASSWORD,
  registerNewUser,
  trackErrors,
  uniqueEmail,
  waitForHydration,
} from './helpers';

test('sign up, see the account, log out and log back in (with JavaScript)', async ({
  page,
  context,
}) => {
  const errors = trackErrors(page);
  const email = uniqueEmail('hydrated');
  await page.goto('/register');
  await waitForHydration(page);

  // The rules tick off while typing.
  const password = page.getByLabel('Password');
  await page.getByLabel('Email').fill(email);
  await password.fill('abc');
  const rules = page.getByTestId('password-rules');
  await expect(rules.locator('[data-rule="MinLength"]')).toHaveAttribute('data-met', 'false');
  await password.fill(PASSWORD);
  await expect(rules.locator('[data-met="true"]')).toHaveCount(6);

  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
  await page.goto('/account');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  // The free tier's caps, as the server enforces them, are shown with the usage.
  await expect(page.getByTestId('limit-bars-per-series')).toHaveText('20000');

  const session = (await context.cookies()).find((c) => c.name === 'investment_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
  expect(await page.evaluate(() => document.cookie)).not.toContain('investment_session');

  await page.getByTestId('logout').first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === 'investment_session')).toBeUndefined();

  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('Wrong-Pass-123');
  await page.getByRole('button', { name: 'Log in' }).click();
  const failure = page.getByTestId('form-error');
  await expect(failure).toHaveAttribute('data-code', 'INVALID_CREDENTIALS');
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
  // The wrong password's 401 is the one failed request the browser may report.
  expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  expect(errors.filter((e) => e.includes('status of 401'))).toHaveLength(1);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the forms still register, report each failed rule, and log in', async ({ page }) => {
    const email = uniqueEmail('plain');
    await page.goto('/register');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();

    const failure = page.getByTestId('form-error');
    await expect(failure).toHaveAttribute('data-code', 'WEAK_PASSWORD');
    const failed = page.getByTestId('failed-rules').locator('li');
    await expect(failed).toHaveText([
      'at least 8 characters',
      'an upper-case letter',
      'a digit',
      'a special character (not a letter or digit)',
    ]);
    await expect(page.getByLabel('Email')).toHaveValue(email);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto('/account');
    await expect(page.getByTestId('account-email')).toHaveText(email);

    await page.getByTestId('logout').first().click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login\?next=\/account$/);

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId('account-email')).toHaveText(email);
  });
});

test('changing the password keeps this browser signed in and ends the others', async ({
  browser,
}) => {
  const email = uniqueEmail('rotate');
  const laptop = await browser.newPage();
  await laptop.goto('/register');
  await waitForHydration(laptop);
  await laptop.getByLabel('Email').fill(email);
  await laptop.getByLabel('Password').fill(PASSWORD);
  await laptop.getByRole('button', { name: 'Create account' }).click();
  await expect(laptop).toHaveURL(/\/dashboard$/);
  await laptop.goto('/account');
  await waitForHydration(laptop);

  const phone = await browser.newPage();
  await phone.goto('/login');
  await waitForHydration(phone);
  await phone.getByLabel('Email').fill(email);
  await phone.getByLabel('Password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Log in' }).click();
  await expect(phone).toHaveURL(/\/dashboard$/);
  await phone.goto('/account');
  await expect(phone.getByTestId('account-email')).toHaveText(email);

  await laptop.getByLabel('Current password').fill(PASSWORD);
  await laptop.getByLabel('New password', { exact: true }).fill('An0ther-Strong-Pass!');
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await expect(laptop.getByTestId('password-changed')).toBeVisible();

  await laptop.reload();
  await expect(laptop.getByTestId('account-email')).toHaveText(email);
  await phone.reload();
  await expect(phone).toHaveURL(/\/login\?next=\/account$/);
});

test('an API key is shown once, works for the API, and stops working when revoked', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await registerNewUser(page, 'keys');
  await page.goto('/account');
  await waitForHydration(page);

  await page.getByLabel('Key name').fill('e2e bot');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!;
  expect(key).toMatch(/^ik_[0-9a-f-]+:sk_/);
  await expect(page.getByTestId('api-key')).toHaveCount(1);

  const me = await page.request.get('/api/v1/me', { headers: { 'X-API-Key': key } });
  expect(me.status()).toBe(200);

  // Dismissing the confirmation keeps the key.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('button', { name: 'Revoke the key e2e bot' }).click();
  await expect(page.getByTestId('api-key')).toHaveCount(1);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Revoke the key e2e bot' }).click();
  await expect(page.getByTestId('api-key')).toHaveCount(0);

  const refused = await page.request.get('/api/v1/me', { headers: { 'X-API-Key': key } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('API_KEY_INVALID');

  // Both changes are in the account's own security events.
  await page.reload();
  const events = await page.getByTestId('security-event').allTextContents();
  expect(events).toEqual(expect.arrayContaining(['api key created', 'api key revoked']));
  expect(errors).toEqual([]);
});

test('a CSV import lists every bad line, then stores a good file', async ({ page }) => {
  await registerNewUser(page, 'importer');
  await page.goto('/account');
  await waitForHydration(page);

  const form = page.getByTestId('import-form');
  await form.getByLabel('Symbol').fill('ACME');
  await form
    .getByLabel('CSV (paste the file\'s contents)')
    .fill('Date,Open,High,Low,Close,Volume\n2024-01-02,10,9,8,9.5,100\n2024-01-03,ten,12,9,11,100\n');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('form-error')).toHaveAttribute('data-code', 'INVALID_CSV');
  const lines = page.getByTestId('import-errors').locator('li');
  await expect(lines).toHaveCount(2);
  await expect(lines.first()).toContainText('Line 2');
  await expect(lines.nth(1)).toContainText('Line 3');

  await form
    .getByLabel('CSV (paste the file\'s contents)')
    .fill('Date,Open,High,Low,Close,Volume\n2024-01-02,10,12,9,11,100\n2024-01-03,11,12,10,11.5,100\n');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText(
    'Imported 2 new and 0 updated days, 2024-01-02 to 2024-01-03.',
  );
  const prices = await (await page.request.get('/api/v1/prices/ACME')).json();
  expect(prices.bars.map((b: any) => b.close)).toEqual([11, 11.5]);

  // A chosen file fills the form, and its name the empty symbol field.
  await form.getByLabel('Symbol').fill('');
  await form.getByTestId('import-file').setInputFiles({
    name: 'widget.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Date,Open,High,Low,Close,Volume\n2024-02-01,5,6,4,5.5,10\n'),
  });
  await expect(form.getByLabel('Symbol')).toHaveValue('WIDGET');
  await expect(form.getByLabel('CSV (paste the file\'s contents)')).toHaveValue(/2024-02-01,5,6,4,5.5,10/);
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText(
    'Imported 1 new and 0 updated days, 2024-02-01 to 2024-02-01.',
  );
  const widget = await (await page.request.get('/api/v1/prices/WIDGET')).json();
  expect(widget.bars.map((b: any) => b.close)).toEqual([5.5]);
});
