import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data with demo data and no MFA', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, demo: true, requireMfa: false });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('runs PostgreSQL without demo data and with MFA unless told otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' })).toMatchObject({
      databaseUrl: 'postgres://x/y',
      demo: false,
      requireMfa: true,
      secureCookies: true,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', DEMO: '1' })).toMatchObject({ demo: true, requireMfa: false });
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', DEMO: '1', REQUIRE_MFA: 'on' }).requireMfa).toBe(true);
  });

  it('refuses a malformed port', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });
});
