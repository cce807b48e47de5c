import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('API basics', () => {
  it('reports health with the database kind and version', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      db: t.ctx.dbKind,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      warnings: expect.any(Array),
    });
    expect(['pglite', 'postgresql']).toContain(r.json().db);
  });

  it('publishes a valid OpenAPI 3 document that covers every route', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const undocumented = t.app.routeTable
      .filter((r) => !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .filter((k) => !documented.has(k));
    expect(undocumented).toEqual([]);
  });

  it('refuses what the router or the database cannot take in the one error shape (found by fuzz.test.ts)', async () => {
    // A parameter longer than the router takes: refused before any route.
    const long = await t.inject({ method: 'GET', url: `/api/catalog/entries/${'9'.repeat(500)}` });
    expect([long.statusCode, long.json().error.code]).toEqual([414, 'URL_PARAM_TOO_LONG']);
    expect(long.json().error.messageZh).toBeTruthy();
    // A NUL in a path parameter: the refusal is answered and audited (the audit log cannot store NUL).
    const nul = await t.inject({ method: 'GET', url: '/api/catalog/entries/%00' });
    expect(nul.statusCode).toBe(401);
    expect(nul.json().error.code).toBe('UNAUTHENTICATED');
    const denied = await t.ctx.db
      .selectFrom('audit_event')
      .select('target_id')
      .where('outcome', '=', 'denied')
      .where('target_id', '=', '\ufffd')
      .execute();
    expect(denied.length).toBeGreaterThan(0);
    // A number ajv coerces to Infinity (400 digits, or 1e400 in JSON) is refused, not sent to the database.
    const huge = await t.inject({ method: 'GET', url: `/api/portal/requests?pageSize=${'9'.repeat(400)}` });
    expect([huge.statusCode, huge.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(huge.json().error.details[0].field).toBe('querystring.pageSize');
    // An action named like a property of every object is an unknown action.
    const proto = await t.inject({ method: 'GET', url: '/api/3/action/__proto__' });
    expect([proto.statusCode, proto.json().success]).toEqual([400, false]);
  });

  it('serves Swagger UI at /api/docs', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('swagger');
  });

  it('answers unknown API routes with the error shape', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String), messageZh: expect.any(String) },
    });
  });

  it('rejects unknown query fields too', async () => {
    const u = await t.login((await t.user(['dept_user'])).username);
    const r = await t.inject({ method: 'GET', url: '/api/inbox?page=1&sneaky=1', headers: u });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
  });
});
