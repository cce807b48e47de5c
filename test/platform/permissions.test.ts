import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { testApp, type TestApp } from '../helpers/app';
import { ROLES, type Role } from '../../src/server/platform/rbac/roles';
import { can, isPermission } from '../../src/server/platform/rbac/permissions';
import { installRouteRegistry } from '../../src/server/platform/http/route-registry';

let t: TestApp;
const sessions = new Map<Role, { cookie: string }>();
beforeAll(async () => {
  t = await testApp();
  for (const role of ROLES) sessions.set(role, await t.login((await t.user([role])).username));
});
afterAll(() => t.close());

/** Fills path parameters with well-formed values: the guard must answer before anything looks them up. */
function concrete(url: string): string {
  return url
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:code\b/g, '361100')
    .replace(/:date\b/g, '2026-01-05')
    .replace(/:year\b/g, '2026')
    .replace(/:(\w+)/g, 'x')
    .replace(/\*$/, 'x');
}

describe('authorization matrix (R-41)', () => {
  it('has a sizeable route table to check', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(15);
  });

  it('answers 401 without a session on every non-public route', async () => {
    const failures: string[] = [];
    for (const r of t.app.routeTable.filter((r) => r.access !== 'public')) {
      const res = await t.inject({ method: r.method as 'GET', url: concrete(r.url) });
      if (res.statusCode !== 401) failures.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 on every route whose permission the role lacks', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const role of ROLES) {
      for (const r of t.app.routeTable) {
        if (!isPermission(r.access) || can([role], r.access)) continue;
        checked++;
        const res = await t.inject({ method: r.method as 'GET', url: concrete(r.url), headers: sessions.get(role) });
        if (res.statusCode !== 403) failures.push(`${role}: ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('lets a role through the guard on routes it may use', async () => {
    // Not 401/403: the request reaches validation or the handler (it may still fail there).
    const failures: string[] = [];
    for (const role of ROLES) {
      for (const r of t.app.routeTable) {
        if (!isPermission(r.access) || !can([role], r.access)) continue;
        const res = await t.inject({ method: r.method as 'GET', url: concrete(r.url), headers: sessions.get(role) });
        if (res.statusCode === 401 || res.statusCode === 403)
          failures.push(`${role}: ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses to register an API route that declares no permission', async () => {
    const app = Fastify();
    installRouteRegistry(app);
    expect(() => app.get('/api/undeclared', async () => ({}))).toThrow(/must declare config.access/);
    expect(() => app.get('/api/half', { config: { access: 'org.read' } }, async () => ({}))).toThrow(/config.audit/);
    await app.close();
  });
});
