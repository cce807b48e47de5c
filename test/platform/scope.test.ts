import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { ESLint, Linter } from 'eslint';
import type { Principal, StaffPrincipal } from '../../src/server/platform/rbac/principal';
import { ALL, NONE, inScope, scopeFilter, scopeOf, type ScopedAction } from '../../src/server/platform/rbac/scope';

const staff = (roles: string[], departmentId: string | null): StaffPrincipal => ({
  kind: 'staff',
  userId: 'u1',
  username: 'u1',
  realName: '测试',
  departmentId,
  departmentName: departmentId ? '测试局' : null,
  roles,
  sessionKind: 'cookie',
  mfaPassed: true,
  tokenHash: '',
});

const ACTIONS: ScopedAction[] = [
  'catalog.version.read',
  'catalog.objection.read',
  'catalog.demand.read',
  'org.specialist.manage',
  'sharing.grant.read',
  'sharing.grant.manage',
  'exchange.source.read',
  'exchange.source.manage',
  'exchange.entry.manage',
  'open.dataset.manage',
  'open.feedback.answer',
  'open.application.manage',
];

describe('scopeOf: one answer to "the platform or the own department"', () => {
  it('gives the platform administrator every department, a department’s staff their own, others nothing', () => {
    for (const action of ACTIONS) {
      expect(scopeOf(staff(['platform_admin'], null), action)).toEqual(ALL);
      expect(scopeOf(staff(['dept_specialist'], 'd1'), action)).toEqual({ kind: 'department', departmentId: 'd1' });
      expect(scopeOf(staff(['dept_user'], 'd1'), action)).toEqual({ kind: 'department', departmentId: 'd1' });
      // The security administrator and the auditor act for no department (三员分立).
      expect(scopeOf(staff(['security_admin'], null), action)).toEqual(NONE);
      // The auditor reads every request and grant, to follow an event to its record; acts on nothing.
      expect(scopeOf(staff(['auditor'], null), action)).toEqual(action === 'sharing.grant.read' ? ALL : NONE);
      expect(scopeOf(null, action)).toEqual(NONE);
    }
  });

  it('denies public users, API clients and federation peers until their features grant them something', () => {
    const others: Principal[] = [
      { kind: 'public_user', publicUserId: 'p1', displayName: '张三' },
      { kind: 'api_client', appId: 'a1', departmentId: 'd1' },
      { kind: 'peer', peerId: 'jx', regionCode: '360000' },
    ];
    for (const p of others) for (const action of ACTIONS) expect(scopeOf(p, action)).toEqual(NONE);
  });

  it('checks a loaded row and builds the WHERE condition from the same scope', () => {
    const own = scopeOf(staff(['dept_specialist'], 'd1'), 'exchange.entry.manage');
    expect(inScope(own, 'd1')).toBe(true);
    expect(inScope(own, 'd2', 'd1')).toBe(true);
    expect(inScope(own, 'd2')).toBe(false);
    expect(inScope(ALL, 'd2')).toBe(true);
    expect(inScope(NONE, 'd1')).toBe(false);
    const db = new Kysely<any>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const where = (s: typeof own) =>
      db
        .selectFrom('share_grant as g')
        .select('g.id')
        .where(scopeFilter(s, 'g.consumer_department_id', 'g.provider_department_id'))
        .compile();
    const mine = where(own);
    expect(mine.sql).toContain('("g"."consumer_department_id" = $1 or "g"."provider_department_id" = $2)');
    expect(mine.parameters).toEqual(['d1', 'd1']);
    expect(where(ALL).sql).toContain('where true');
    expect(where(NONE).sql).toContain('where false');
  });

  it('keeps hand-written role checks out of the modules (the eslint rule every module file gets)', async () => {
    const config = await new ESLint({ cwd: process.cwd() }).calculateConfigForFile(
      'src/server/modules/sharing/grants-service.ts',
    );
    const rule = config.rules['no-restricted-syntax'];
    expect(rule).toBeDefined();
    const lint = (code: string) =>
      new Linter({ configType: 'flat' }).verify(code, [{ rules: { 'no-restricted-syntax': rule } }]);
    expect(lint("export const admin = (roles) => roles.includes('platform_admin');").map((m) => m.ruleId)).toEqual([
      'no-restricted-syntax',
    ]);
    // Choosing whom to notify is not authorization.
    expect(lint("notify(ctx, { role: 'platform_admin' }, notice);")).toEqual([]);
  });
});
