import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';

/** #15 point 6: the browser headers on the platform's answers. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a content security policy that allows only our own scripts and no framing by other sites', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // Served over plain HTTP (the demo): no HSTS, no upgrade of requests, or the demo locks itself out.
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Errors carry them too.
    expect((await t.inject({ method: 'GET', url: '/api/nothing-here' })).headers['x-content-type-options']).toBe(
      'nosniff',
    );
  });

  it('adds HSTS where the platform is served over TLS', async () => {
    const tls = await testApp({ secureCookies: true });
    try {
      const res = await tls.inject({ method: 'GET', url: '/api/health' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    } finally {
      await tls.close();
    }
  });

  it('lets the API documentation page run under a policy of its own', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain('validator.swagger.io');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

/** #15 point 6: a change made with the session cookie must come from a page of this origin. */
describe('cross-site request forgery', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const markRead = (headers: Record<string, string>) =>
    t.inject({ method: 'POST', url: '/api/inbox/read', headers, payload: {} });

  it('refuses a cookie-signed change from another site, by Fetch Metadata or by Origin, and audits it', async () => {
    const u = await t.user(['dept_user']);
    const { cookie } = await t.login(u.username);
    const forged = await markRead({ cookie, 'sec-fetch-site': 'cross-site' });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_REJECTED');
    // A sibling subdomain is same-site, which SameSite cookies let through; this does not.
    expect((await markRead({ cookie, 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    // An older browser without Fetch Metadata: its Origin against the address it reached.
    expect((await markRead({ cookie, origin: 'https://evil.example', host: 'govshare.example' })).statusCode).toBe(403);
    expect((await markRead({ cookie, origin: 'http://govshare.example', host: 'govshare.example' })).statusCode).toBe(
      200,
    );
    expect((await markRead({ cookie, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    // Reading is not changing; a client that is no browser sends neither header.
    expect(
      (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, 'sec-fetch-site': 'cross-site' } }))
        .statusCode,
    ).toBe(200);
    expect((await markRead({ cookie })).statusCode).toBe(200);
    // Each refusal is audited as a denial, under the user whose cookie was used.
    await expect
      .poll(async () =>
        (
          await t.ctx.db
            .selectFrom('audit_event')
            .select(['outcome', 'detail'])
            .where('user_id', '=', u.id)
            .where('status_code', '=', 403)
            .execute()
        ).map((e) => [e.outcome, (e.detail as { errorCode?: string }).errorCode]),
      )
      .toEqual(Array(3).fill(['denied', 'CSRF_REJECTED']));
  });

  it('does not apply to bearer tokens, which a forged request cannot carry', async () => {
    const u = await t.user(['dept_user']);
    const login = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: 'Test-Passw0rd!', client: 'api' },
    });
    const token = login.json<{ token: string }>().token;
    expect((await markRead({ authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(200);
  });
});
