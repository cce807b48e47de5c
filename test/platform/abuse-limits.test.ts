import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { ABUSE_LIMITS } from '../../src/server/platform/http/abuse-limits';

/** #15 point 6: per-address limits on what abuse repeats, in our error shape, audited as denials. */
describe('abuse limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ rateLimitScale: 1 });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (remoteAddress = '10.1.0.1') =>
    t.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      payload: { username: 'nobody-here', password: 'guess-Passw0rd' },
    });

  it('refuses the eleventh sign-in a minute from one address with 429, Retry-After and a Chinese message', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ABUSE_LIMITS.login.max; i++) statuses.push((await login()).statusCode);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const refused = await login();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-ratelimit-limit']).toBe(String(ABUSE_LIMITS.login.max));
    expect(refused.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', messageZh: expect.stringContaining('操作过于频繁') },
    });
    // Another address is not held back by this one.
    expect((await login('10.1.0.2')).statusCode).toBe(401);
    // The refusal is in the audit log as a denial, with the address.
    await expect
      .poll(async () =>
        t.ctx.db
          .selectFrom('audit_event')
          .select(['outcome', 'status_code'])
          .where('action', '=', 'auth.login')
          .where('ip', '=', '10.1.0.1')
          .where('status_code', '=', 429)
          .execute(),
      )
      .toEqual([{ outcome: 'denied', status_code: 429 }]);
  });

  it('counts searches of the public CKAN API per address', async () => {
    const search = () =>
      t.inject({ method: 'GET', url: '/api/3/action/package_search?rows=1', remoteAddress: '10.2.0.1' });
    for (let i = 0; i < ABUSE_LIMITS.search.max; i++) expect((await search()).statusCode).toBe(200);
    expect((await search()).statusCode).toBe(429);
  });

  it('scales with RATE_LIMIT_SCALE, and 0 switches the limits off', async () => {
    const half = await testApp({ rateLimitScale: 0.5 });
    const off = await testApp({ rateLimitScale: 0 });
    try {
      const attempt = (app: TestApp) =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'nobody-here', password: 'guess-Passw0rd' },
        });
      const halfStatuses: number[] = [];
      const offStatuses: number[] = [];
      for (let i = 0; i <= ABUSE_LIMITS.login.max; i++) {
        halfStatuses.push((await attempt(half)).statusCode);
        offStatuses.push((await attempt(off)).statusCode);
      }
      expect(halfStatuses.indexOf(429)).toBe(ABUSE_LIMITS.login.max / 2);
      expect(offStatuses).not.toContain(429);
    } finally {
      await half.close();
      await off.close();
    }
  });
});
