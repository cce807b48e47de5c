import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { acceptConfirm, expectCall, inputOf, rowsWith } from './ui';

/**
 * Issue 12 point 5: a member of the public gets an API key in the user centre (shown once),
 * calls the open API with it, sees the calls counted, revokes the key, and finds the documentation
 * with "try it".
 */
describeBrowser('open API keys in the user centre', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('creates a key shown once, counts its calls, and revokes it', async () => {
    const page = await e2e.newPage();
    await page.goto('/login?redirect=/me/keys');
    await page.getByTestId('login-username').fill('public');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await expectCall(page, 'GET', '/api/portal/me/keys', () => page.getByTestId('login-submit').click());
    await page.getByTestId('portal-me-keys').waitFor();

    await inputOf(page, 'key-name').fill('浏览器测试应用');
    const created = await expectCall(page, 'POST', '/api/portal/me/keys', () => page.getByTestId('key-create').click());
    expect(created.status()).toBe(201);
    const secret = inputOf(page, 'key-secret');
    await expect.poll(() => secret.inputValue()).toMatch(/^gsk_/);
    const key = await secret.inputValue();
    await maybeScreenshot(page, 'open-api-key-created');
    await page.getByTestId('key-saved').click();
    await page.getByTestId('key-created').waitFor({ state: 'hidden' });
    // Never shown again: the list has its prefix only.
    const row = rowsWith(page, 'key-table', '浏览器测试应用');
    await expect.poll(() => row.getByTestId('key-prefix').textContent()).toBe(`${key.slice(0, 12)}…`);
    expect(await page.getByTestId('portal-me-keys').textContent()).not.toContain(key);

    for (let i = 0; i < 2; i++) {
      const res = await e2e.app.inject({ method: 'GET', url: '/open/api/v1/datasets', headers: { 'x-api-key': key } });
      expect(res.statusCode).toBe(200);
    }
    await expectCall(page, 'GET', '/api/portal/me/keys/' + (await keyId(key)) + '/stats', () =>
      row.getByTestId('key-stats').click(),
    );
    const bars = page.getByTestId('key-usage-chart').locator('[data-calls]');
    await expect.poll(() => bars.count()).toBe(30);
    expect(await bars.last().getAttribute('data-calls')).toBe('2');

    await row.getByTestId('key-revoke').click();
    await expectCall(page, 'DELETE', `/api/portal/me/keys/${await keyId(key)}`, () => acceptConfirm(page));
    await expect.poll(() => row.getByTestId('key-status').textContent()).toBe('已停用');
    const refused = await e2e.app.inject({
      method: 'GET',
      url: '/open/api/v1/datasets',
      headers: { 'x-api-key': key },
    });
    expect(refused.statusCode).toBe(401);
  });

  it('documents the open API with a try-it page that loads its own OpenAPI document', async () => {
    const page = await e2e.newPage();
    await expectCall(page, 'GET', '/open/api/v1/openapi.json', () => page.goto('/open/api/docs'));
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBe(3);
    await page.locator('.swagger-ui .authorize').first().waitFor();
  });

  /** The key's id, from the database by its prefix (the page shows the prefix only). */
  async function keyId(key: string): Promise<string> {
    const r = await e2e.ctx.db
      .selectFrom('open_api_key')
      .select('id')
      .where('prefix', '=', key.slice(0, 12))
      .executeTakeFirstOrThrow();
    return r.id;
  }
});
