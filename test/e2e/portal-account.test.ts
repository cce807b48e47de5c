import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall, inputOf } from './ui';
import { startSmtpInbox, type SmtpInbox } from '../helpers/smtp-inbox';
import { idNumberCheckChar } from '../../src/shared/org/id-number';
import { currentTotp } from '../../src/server/platform/auth/totp';

/**
 * A member of the public registers on the portal: the form checks the identity number as it
 * is typed, the code arrives by e-mail over SMTP, the account is confirmed, signs in, lands in its
 * centre and turns on a second factor. The console stays closed to it.
 */
describeBrowser('public accounts on the portal', () => {
  let e2e: E2E;
  let inbox: SmtpInbox;
  beforeAll(async () => {
    inbox = await startSmtpInbox();
    e2e = await startE2E({ smtpUrl: inbox.url });
  });
  afterAll(async () => {
    await e2e?.close();
    await inbox?.close();
  });

  it('registers, confirms with the mailed code, signs in to the centre and turns on TOTP', async () => {
    const first17 = '36112319850614002';
    const idNumber = first17 + idNumberCheckChar(first17);
    const wrong = first17 + (idNumber.endsWith('1') ? '2' : '1');
    const email = 'liu.min@example.cn';
    const password = 'Kaifang-2026!';

    const page = await e2e.newPage();
    await page.goto('/');
    await page.getByTestId('portal-register-link').click();
    await page.getByTestId('portal-register').waitFor();
    await inputOf(page, 'register-name').fill('刘敏');
    await inputOf(page, 'register-id-number').fill(wrong);
    await inputOf(page, 'register-contact').click();
    await expect.poll(() => page.getByText('身份证号格式或校验位不正确').count()).toBe(1);
    await inputOf(page, 'register-id-number').fill(idNumber);
    await inputOf(page, 'register-contact').fill(email);
    await inputOf(page, 'register-password').fill(password);
    await inputOf(page, 'register-repeat').fill(password);
    await page.getByTestId('register-agree').click();
    await maybeScreenshot(page, 'portal-register');
    await page.getByTestId('register-submit').click();

    await page.getByTestId('code-step').waitFor();
    await expect.poll(() => inbox.mails.filter((m) => m.to.includes(email)).length).toBe(1);
    await inputOf(page, 'code-input').fill(inbox.codeFor(email));
    await page.getByTestId('code-submit').click();

    await page.getByTestId('portal-login').waitFor();
    await inputOf(page, 'login-username').fill(email);
    await inputOf(page, 'login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('portal-me-profile').waitFor();
    await expect.poll(() => page.getByTestId('profile-name').textContent()).toBe('刘敏');
    expect(await page.getByTestId('profile-id-number').textContent()).toBe(`361123********${idNumber.slice(-4)}`);
    expect(await page.getByTestId('profile-realname').textContent()).toContain('已核验');
    expect(await page.getByTestId('portal-me-name').textContent()).toBe('刘敏');

    // On a phone the centre's menu wraps: every page's entry stays on screen.
    const desktop = page.viewportSize()!;
    await page.setViewportSize({ width: 390, height: 844 });
    const entries = page.locator('[data-testid^="portal-me-nav-"]');
    expect(await entries.count()).toBe(7);
    await expect
      .poll(() => entries.evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right))))
      .toBeLessThanOrEqual(390);
    await page.setViewportSize(desktop);

    // A dataset kept with 收藏 is in 我的收藏.
    const home = await e2e.app.inject({ method: 'GET', url: '/api/portal/home' });
    const ds = (JSON.parse(home.body) as { newest: Array<{ code: string; name: string }> }).newest[0]!;
    await page.goto(`/datasets/${ds.code}`);
    await expectCall(page, 'PUT', `/api/portal/datasets/${ds.code}/favourite`, () =>
      page.getByTestId('dataset-favourite').click(),
    );
    await expect.poll(() => page.getByTestId('dataset-favourite').getAttribute('aria-pressed')).toBe('true');
    await page.goto('/me/favourites');
    await page.getByTestId('portal-me-favourites').getByText(ds.name).waitFor();

    // The console is not theirs: it sends them back to the portal.
    await page.goto('/console/catalog/search');
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('portal-me-link').click();

    await page.getByTestId('portal-me-nav-security').click();
    await page.getByTestId('security-mfa-enable').click();
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await inputOf(page, 'mfa-code').fill(currentTotp(secret, new Date()));
    await page.getByTestId('mfa-submit').click();
    await expect.poll(() => page.getByTestId('security-mfa').textContent()).toContain('已启用');
    await maybeScreenshot(page, 'portal-me-security');

    await page.getByTestId('portal-logout').click();
    await page.getByTestId('portal-login-link').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('resets a forgotten password with the mailed code, on a phone', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/account/login');
    await page.getByTestId('login-forgot').click();
    await inputOf(page, 'reset-contact').fill('liu.min@example.cn');
    const before = inbox.mails.length;
    await page.getByTestId('reset-send').click();
    await page.getByTestId('code-step').waitFor();
    await expect.poll(() => inbox.mails.length).toBe(before + 1);
    await inputOf(page, 'code-input').fill(inbox.codeFor('liu.min@example.cn'));
    await inputOf(page, 'reset-password').fill('Chongzhi-2026!');
    await inputOf(page, 'reset-repeat').fill('Chongzhi-2026!');
    await page.getByTestId('code-submit').click();
    await page.getByTestId('portal-login').waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
  });
});
