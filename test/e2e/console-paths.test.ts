import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, startE2E, type E2E } from './harness';

/**
 * The public portal has `/`; the department console lives under `/console`, and links from before
 * the move (bookmarks, inbox entries already stored) still open their page.
 */
describeBrowser('console under /console, portal at /', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const path = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  it('redirects an old console link to the same page under /console, query kept', async () => {
    const page = await e2e.login('scj_zy');
    await page.goto('/sharing/requests?box=mine');
    await page.getByTestId('request-table').waitFor();
    expect(path(page.url())).toBe('/console/sharing/requests?box=mine');
    await page.context().close();
  });

  it('shows the portal to an anonymous visitor, and its own not-found page, without asking to log in', async () => {
    const page = await e2e.newPage();
    await page.goto('/');
    await page.getByTestId('portal-home').waitFor();
    expect(path(page.url())).toBe('/');
    expect(await page.getByTestId('portal-home').innerText()).toContain('上饶市公共数据开放平台');

    await page.goto('/no-such-page');
    await page.getByTestId('not-found').waitFor();
    expect(path(page.url())).toBe('/no-such-page');
    expect(await page.getByTestId('login-username').count()).toBe(0);
    await page.context().close();
  });

  it('sends an anonymous visitor of a console page to the login, and back to that page after it', async () => {
    const page = await e2e.newPage();
    await page.goto('/console/audit');
    await page.getByTestId('login-username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByTestId('login-username').fill('auditor');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('audit-export').waitFor();
    expect(path(page.url())).toBe('/console/audit');
    await page.context().close();
  });

  // A portal page starts without the console's routes (they are added when first needed): a staff
  // member reaches the console from it by every way in.
  it('takes a signed-in department user from portal pages to the console', async () => {
    const page = await e2e.login('scj_zy');
    await page.goto('/account/login');
    await page.getByTestId('side-menu').waitFor();
    expect(path(page.url())).toBe('/console');

    await page.goto('/');
    await page.getByTestId('portal-console').click();
    await page.getByTestId('side-menu').waitFor();
    expect(path(page.url())).toBe('/console');

    await page.goto('/console/sharing/requests?box=mine');
    await page.getByTestId('request-table').waitFor();
    await page.goto('/console/no-such-page');
    await page.getByTestId('not-found').waitFor();
    expect(path(page.url())).toBe('/console/no-such-page');
    await page.context().close();
  });

  it('keeps a member of the public out of the console', async () => {
    const page = await e2e.newPage();
    await page.goto('/login');
    await page.getByTestId('login-username').fill('public');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('portal-home').waitFor();

    await page.goto('/console');
    await page.getByTestId('portal-home').waitFor();
    expect(path(page.url())).toBe('/');
    expect(await page.getByTestId('side-menu').count()).toBe(0);
    await page.context().close();
  });
});
