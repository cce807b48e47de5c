import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { creditCodeProblem } from '../../src/shared/org/credit-code';
import { checkPasswordPolicy } from '../../src/server/platform/auth/password';
import { ROLE_NAMES } from '../../src/server/platform/rbac/roles';

let t: TestApp;
let firstRun: boolean;
let secondRun: boolean;
beforeAll(async () => {
  t = await testApp({ demoRows: 0 });
  firstRun = await seedDemoIfEmpty(t.ctx);
  secondRun = await seedDemoIfEmpty(t.ctx);
});
afterAll(() => t.close());

const count = async (table: 'department' | 'app_user' | 'specialist' | 'specialist_change') =>
  Number(
    (
      await t.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Shangrao demo seed', () => {
  it('seeds once and then leaves an existing database alone', async () => {
    expect(firstRun).toBe(true);
    expect(secondRun).toBe(false);
    expect(await count('department')).toBeGreaterThanOrEqual(20);
    expect(await count('app_user')).toBe(DEMO_ACCOUNTS.length);
    expect(await count('specialist')).toBeGreaterThanOrEqual(5);
    expect(await count('specialist_change')).toBe(await count('specialist'));
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['username', 'action'])
      .where('action', '=', 'demo.seed')
      .execute();
    expect(audit).toEqual([{ username: 'demo-seed', action: 'demo.seed' }]);
  });

  it('does nothing when any department exists', async () => {
    const other = await testApp();
    try {
      await other.department();
      expect(await seedDemoIfEmpty(other.ctx)).toBe(false);
      const users = await other.ctx.db.selectFrom('app_user').select('id').execute();
      expect(users).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('uses only check-digit-valid credit codes, unique and synthetic', async () => {
    const rows = await t.ctx.db.selectFrom('department').select(['name', 'credit_code', 'kind']).execute();
    for (const r of rows) expect(creditCodeProblem(r.credit_code), r.name).toBeNull();
    expect(new Set(rows.map((r) => r.credit_code)).size).toBe(rows.length);
    expect(rows.every((r) => r.credit_code.slice(8, 10) === 'MB')).toBe(true);
    const names = rows.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '上饶市大数据发展管理局',
        '上饶市市场监督管理局',
        '上饶市人力资源和社会保障局',
        '上饶市供水集团有限公司',
        '国网上饶供电公司',
      ]),
    );
    expect(rows.filter((r) => r.kind === 'public_enterprise').length).toBeGreaterThanOrEqual(2);
  });

  it('has a password that passes the policy for every account', () => {
    for (const a of DEMO_ACCOUNTS) expect(() => checkPasswordPolicy(DEMO_PASSWORD, a.username)).not.toThrow();
  });

  it('lets every demo account log in with the roles and department it advertises', async () => {
    expect(DEMO_ACCOUNTS.map((a) => a.username)).toEqual([
      'admin',
      'security',
      'auditor',
      'scj_zy',
      'scj_ld',
      'scj_yh',
      'rsj_zy',
      'rsj_yh',
      'gaj_zy',
      'gaj_ld',
      'bdc_zy',
      'bdc_ld',
      'public',
    ]);
    for (const a of DEMO_ACCOUNTS) {
      const { cookie } = await t.login(a.username, DEMO_PASSWORD);
      const me = (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
      expect(me.realName, a.username).toBeTruthy();
      expect(me.departmentName ?? undefined, a.username).toBe(a.department);
    }
  });

  it('links demo specialists to their accounts and notified the platform administrator', async () => {
    const { cookie } = await t.login('scj_zy', DEMO_PASSWORD);
    const me = (await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
    const list = (
      await t.inject({ method: 'GET', url: `/api/specialists?departmentId=${me.departmentId}`, headers: { cookie } })
    ).json();
    expect(list.items[0]).toMatchObject({ userId: me.id, active: true });
    expect(list.items[0].mobile).toMatch(/^13[89]\d{8}$/);
    const admin = await t.login('admin', DEMO_PASSWORD);
    const inbox = (await t.inject({ method: 'GET', url: '/api/inbox?pageSize=50', headers: admin })).json();
    const kinds = inbox.items.map((i: { kind: string }) => i.kind);
    expect(kinds.filter((k: string) => k === 'org.specialist.changed')).toHaveLength(await count('specialist'));
  });

  it('opens the open entries of departments with a leader account on the portal; the others await review', async () => {
    const home = (await t.inject({ method: 'GET', url: '/api/portal/home' })).json();
    expect(home.totals.datasets).toBeGreaterThan(0);
    expect(home.newest.length).toBeGreaterThan(0);
    const admin = await t.login('admin', DEMO_PASSWORD);
    const list = async (status: string) =>
      (
        await t.inject({ method: 'GET', url: `/api/open/datasets?status=${status}&pageSize=200`, headers: admin })
      ).json<{ total: number; items: Array<{ providerName: string }> }>();
    const open = await list('open');
    expect(open.total).toBe(home.totals.datasets);
    const leaders = new Set(
      DEMO_ACCOUNTS.filter((a) => a.roleLabel === ROLE_NAMES.dept_leader.zh).map((a) => a.department),
    );
    expect(open.items.every((d) => leaders.has(d.providerName))).toBe(true);
    expect((await list('unreviewed')).total).toBeGreaterThan(0);
    // Every one on the portal has a page, and the sitemap lists it.
    const first = home.newest[0].code;
    expect((await t.inject({ method: 'GET', url: `/datasets/${first}` })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/sitemap.xml' })).body).toContain(`/datasets/${first}<`);
  });

  it('starts the sharing portal with grants in force and requests waiting at each review step', async () => {
    const rsj = await t.login('rsj_zy', DEMO_PASSWORD);
    const incoming = (
      await t.inject({ method: 'GET', url: '/api/sharing/requests?box=incoming', headers: rsj })
    ).json();
    expect(incoming.items).toEqual([
      expect.objectContaining({
        entryName: '社会保障卡信息',
        status: 'provider_review',
        consumerDepartmentName: '上饶市市场监督管理局',
      }),
    ]);
    expect(incoming.items[0].currentStep).toMatchObject({ kind: 'provider_decision', overdue: false });
    const admin = await t.login('admin', DEMO_PASSWORD);
    const queue = (
      await t.inject({ method: 'GET', url: '/api/sharing/requests?box=prereview', headers: admin })
    ).json();
    expect(queue.items.map((i: { entryName: string }) => i.entryName)).toEqual(['不动产登记信息']);
    const grants = (await t.inject({ method: 'GET', url: '/api/sharing/grants?side=consumer', headers: rsj })).json();
    expect(grants.items).toEqual([expect.objectContaining({ entryName: '行政处罚信息', status: 'active' })]);
  });

  it('carries every open demo request to its end with the demo accounts', async () => {
    const admin = await t.login('admin', DEMO_PASSWORD);
    const open = (await t.inject({ method: 'GET', url: '/api/sharing/requests?pageSize=100', headers: admin }))
      .json<{ items: Array<{ id: string; status: string; providerDepartmentName: string }> }>()
      .items.filter((r) => ['prereview', 'provider_review'].includes(r.status));
    expect(open.length).toBeGreaterThanOrEqual(2);
    for (const r of open) {
      if (r.status === 'prereview') {
        const fwd = await t.inject({
          method: 'POST',
          url: `/api/sharing/requests/${r.id}/prereview`,
          headers: admin,
          payload: { decision: 'forward' },
        });
        expect(fwd.statusCode, fwd.body).toBe(200);
      }
      // Someone of the providing department answers: its demo specialist.
      const answerer = DEMO_ACCOUNTS.find(
        (a) => a.department === r.providerDepartmentName && a.username.endsWith('_zy'),
      );
      expect(answerer, r.providerDepartmentName).toBeDefined();
      const provider = await t.login(answerer!.username, DEMO_PASSWORD);
      const answered = await t.inject({
        method: 'POST',
        url: `/api/sharing/requests/${r.id}/decision`,
        headers: provider,
        payload: { decision: 'approve' },
      });
      expect(answered.statusCode, answered.body).toBe(200);
      expect(answered.json().status).toBe('approved');
    }
  });
});
