import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentTotp } from '../../src/server/platform/auth/totp';
import { DEMO_PASSWORD, describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall } from './ui';

describeBrowser('second factor enrolment in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ requireMfa: true });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('shows the QR code and secret, accepts a TOTP code and lands on the home page', async () => {
    const page = await e2e.newPage();
    await page.goto('/console');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();

    await page.getByTestId('mfa-enrol').waitFor();
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // The image really decoded (a broken data URL has naturalWidth 0).
    expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(50);
    const secret = (await page.getByTestId('mfa-secret').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await maybeScreenshot(page, 'mfa-enrol');

    // A wrong code is refused with the server's Chinese message and the step stays open.
    await page.getByTestId('mfa-code').fill('000000');
    const bad = await expectCall(page, 'POST', '/api/auth/mfa/enable', () => page.getByTestId('mfa-submit').click());
    expect(bad.status()).toBe(400);
    await page.locator('.gs-error-message', { hasText: '动态验证码错误或已过期' }).waitFor();

    await page.getByTestId('mfa-code').fill(currentTotp(secret, new Date()));
    const ok = await expectCall(page, 'POST', '/api/auth/mfa/enable', () => page.getByTestId('mfa-submit').click());
    expect(ok.status()).toBe(200);
    await page.getByTestId('welcome').waitFor();
    expect(await page.getByTestId('welcome').innerText()).toContain('张明');
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.context().close();
  });
});
