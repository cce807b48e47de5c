import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findViolations, markViolations } from '../../src/server/modules/supervision';
import { collectSources } from '../../src/server/modules/supervision/sources-registry';
import { DETECT_JOB, runDetection } from '../../src/server/modules/supervision/violations-jobs';
import { ensurePeriodicTasks, listJobs, runJobNow } from '../../src/server/platform/jobs/service';
import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  signInAgain,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { engineApp, fakeDetector, rows } from './engine';
import { sharedEntry, submitRequest } from '../sharing/factory';

/** Issue #16 point 3: violations detected with evidence, one per department, kind and period; dismissed; reported. */
const overdueRequests = fakeDetector('test.overdue_requests', 3);
const overdueObjections = fakeDetector('test.overdue_objections', 3);
const failedLoads = fakeDetector('test.failed_loads', 2);
const sources = { violations: [overdueRequests, overdueObjections, failedLoads] };

let t: TestApp;
let admin: Session;
let a: CatalogDepartment;
let b: CatalogDepartment;

beforeAll(async () => {
  t = await engineApp(sources);
  admin = await platformAdmin(t);
  a = await catalogDepartment(t, { name: '市公安局' });
  b = await catalogDepartment(t, { name: '市市场监督管理局' });
  const [r0, r1, r2] = rows('share_review_step', 3, 0);
  overdueRequests.findings.set('2026-11', [
    { departmentId: a.id, summary: '2 个共享审核环节逾期未办', evidence: [r0!, r1!] },
  ]);
  overdueObjections.findings.set('2026-11', [
    { departmentId: a.id, summary: '1 件目录异议逾期未答复', evidence: [r1!, r2!] },
  ]);
  failedLoads.findings.set('2026-11', [
    { departmentId: b.id, summary: '数据汇聚失败 4 次', evidence: rows('exchange_run', 4, 0) },
  ]);
});
afterAll(async () => {
  await t?.close();
});

const send = (method: 'GET' | 'POST', url: string, s: Session, payload?: object) =>
  t.inject({ method, url, headers: s.headers, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
type V = {
  id: string;
  departmentName: string;
  kind: number;
  status: string;
  summary: string;
  evidenceCount: number;
  source: string;
};
const list = async (s: Session, query = '') =>
  expectStatus(await send('GET', `/api/supervision/violations${query}`, s), 200).json() as {
    items: V[];
    total: number;
  };

describe('violations', () => {
  it('detects violations with their evidence merged per department, kind and period', async () => {
    const r = expectStatus(await send('POST', '/api/supervision/violations/detect', admin, {}), 200).json();
    expect(r).toEqual({ periodKey: '2026-11', created: 2, updated: 0 });
    const all = await list(admin);
    expect(all.total).toBe(2);
    const ofA = all.items.find((v) => v.departmentName === '市公安局')!;
    expect(ofA).toMatchObject({ kind: 3, status: 'open', source: 'detected', evidenceCount: 3 });
    expect(ofA.summary).toBe('2 个共享审核环节逾期未办；1 件目录异议逾期未答复');
    const detail = expectStatus(await send('GET', `/api/supervision/violations/${ofA.id}`, admin), 200).json();
    expect(detail.evidence.map((e: { ref: string }) => e.ref)).toEqual([
      'share_review_step:0',
      'share_review_step:1',
      'share_review_step:2',
    ]);
    expect(detail.evidence[0]).toMatchObject({ ok: false, link: '/sharing/requests/share_review_step-0' });
  });

  it('keeps the status people gave a violation while a later run adds evidence', async () => {
    const [ofA] = (await list(admin, '?kind=3')).items;
    expect(await markViolations(t.ctx.db, [ofA!.id], 'noticed', t.clock.now())).toBe(1);
    overdueRequests.findings.set('2026-11', [
      { departmentId: a.id, summary: '3 个共享审核环节逾期未办', evidence: rows('share_review_step', 4, 0) },
    ]);
    const r = expectStatus(
      await send('POST', '/api/supervision/violations/detect', admin, { period: '2026-11' }),
      200,
    ).json();
    expect(r).toMatchObject({ created: 0, updated: 2 });
    const [again] = await findViolations(t.ctx, [ofA!.id]);
    expect(again).toMatchObject({ status: 'noticed', evidenceCount: 4 });
    expect(again!.summary).toContain('3 个共享审核环节逾期未办');
    expect((await list(admin)).total).toBe(2);
  });

  it('filters and scopes the list; a department cannot open another one’s violation', async () => {
    expect((await list(admin, '?status=noticed')).items.map((v) => v.departmentName)).toEqual(['市公安局']);
    expect((await list(admin, `?departmentId=${b.id}`)).items.map((v) => v.kind)).toEqual([2]);
    expect((await list(admin, '?period=2026-10')).total).toBe(0);
    const own = await list(b.leader);
    expect(own.items.map((v) => v.departmentName)).toEqual(['市市场监督管理局']);
    const [ofA] = (await list(admin, '?kind=3')).items;
    expect((await send('GET', `/api/supervision/violations/${ofA!.id}`, b.leader)).statusCode).toBe(404);
    expect((await list(admin, '?pageSize=1&page=2')).items).toHaveLength(1);
  });

  it('dismisses an open violation with a reason (admin only, audited), once', async () => {
    const [ofB] = (await list(admin, `?departmentId=${b.id}`)).items;
    const url = `/api/supervision/violations/${ofB!.id}/dismiss`;
    expect((await send('POST', url, b.leader, { reason: '系统升级维护，已报备' })).statusCode).toBe(403);
    const d = expectStatus(await send('POST', url, admin, { reason: '系统升级维护，已报备' }), 200).json();
    expect(d).toMatchObject({
      status: 'dismissed',
      dismissReason: '系统升级维护，已报备',
      dismissedByName: expect.any(String),
    });
    const again = await send('POST', url, admin, { reason: '重复' });
    expect(again.statusCode).toBe(409);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'target_name'])
      .where('action', '=', 'supervision.violation.dismiss')
      .orderBy(sql`id::bigint`)
      .execute();
    expect(audit.map((e) => e.outcome)).toEqual(['denied', 'success', 'failed']);
    expect(audit[1]!.target_name).toContain('市市场监督管理局');
    // A dismissed violation is not brought back by the next run.
    expectStatus(await send('POST', '/api/supervision/violations/detect', admin, {}), 200);
    expect((await findViolations(t.ctx, [ofB!.id]))[0]!.status).toBe('dismissed');
  });

  it("lets a provider report a consumer's use beyond duties, and tells the platform admins", async () => {
    const res = await send('POST', '/api/supervision/violations/report', a.specialist, {
      departmentId: b.id,
      occurredOn: '2026-11-20',
      description: '市市场监督管理局将共享的户籍信息用于商业查询服务',
    });
    const v = expectStatus(res, 201).json();
    expect(v).toMatchObject({
      kind: 4,
      source: 'reported',
      status: 'open',
      periodKey: '2026-11',
      departmentName: '市市场监督管理局',
      reportedByDepartmentName: '市公安局',
    });
    const inbox = await t.ctx.db
      .selectFrom('notification')
      .select(['title', 'link'])
      .where('user_id', '=', admin.id)
      .execute();
    expect(inbox).toEqual([
      {
        title: '市公安局报告市市场监督管理局超出履职需要使用共享数据',
        link: `/console/supervision/violations/${v.id}`,
      },
    ]);
    // The consumer sees it among its violations; a report of oneself or by the platform is refused.
    expect((await list(b.leader, '?kind=4')).items.map((x) => x.id)).toEqual([v.id]);
    const self = await send('POST', '/api/supervision/violations/report', a.specialist, {
      departmentId: a.id,
      description: '测试本部门报告本部门',
    });
    expect(self.statusCode).toBe(400);
    const byAdmin = await send('POST', '/api/supervision/violations/report', admin, {
      departmentId: b.id,
      description: '平台不应以部门身份报告',
    });
    expect(byAdmin.statusCode).toBe(403);
  });

  it('takes a report naming a grant of the provider, whose consumer it concerns', async () => {
    const { entry, provider } = await sharedEntry(t, 'unconditional');
    const consumer = await catalogDepartment(t, { name: '市住房和城乡建设局' });
    const req = expectStatus(
      await submitRequest(t, consumer.user, entry, {
        letterId: null,
        periodFrom: '2026-11-24',
        periodTo: '2027-11-30',
      }),
      201,
    ).json<{ grant: { id: string; no: string } }>();
    const report = (s: Session) =>
      send('POST', '/api/supervision/violations/report', s, {
        grantId: req.grant.id,
        description: '将共享的企业登记信息提供给第三方公司',
      });
    const v = expectStatus(await report(provider.specialist), 201).json();
    expect(v).toMatchObject({ departmentName: '市住房和城乡建设局', kind: 4, source: 'reported' });
    expect(v.evidence).toEqual([
      expect.objectContaining({
        ref: `share_grant:${req.grant.id}`,
        label: expect.stringContaining(req.grant.no),
        link: `/console/sharing/grants/${req.grant.id}`,
      }),
    ]);
    // A department that is not the grant's provider cannot report through it.
    const other = await report(a.specialist);
    expect(other.statusCode).toBe(400);
    expect(other.json().error.code).toBe('SUPERVISION_REPORT_GRANT');
  });

  it('runs as a periodic task of the job table, with the sources supervision was handed', async () => {
    overdueRequests.findings.set('2026-10', [
      { departmentId: b.id, summary: '10 月逾期', evidence: rows('oct', 1, 0) },
    ]);
    await ensurePeriodicTasks(t.ctx);
    const [job] = await listJobs(t.ctx, { kind: DETECT_JOB, status: 'pending' });
    expect(await runJobNow(t.ctx, job!.id, 'test-worker')).toBe('done');
    // The first run closes October (the month before), then looks at November.
    expect((await list(admin, '?period=2026-10')).items.map((v) => v.summary)).toEqual(['10 月逾期']);
  });

  it('the periodic task closes the month that ended once, then watches the running one', async () => {
    overdueRequests.findings.set('2026-12', [
      { departmentId: b.id, summary: '1 个共享审核环节逾期未办', evidence: rows('x', 1, 0) },
    ]);
    t.clock.set(new Date('2026-12-02T01:00:00Z'));
    const s = collectSources([sources]);
    expect(await runDetection(t.ctx, s)).toEqual(['2026-11', '2026-12']);
    expect(await runDetection(t.ctx, s)).toEqual(['2026-12']);
    await signInAgain(t);
    expect((await list(admin, '?period=2026-12')).items.map((v) => [v.departmentName, v.kind])).toEqual([
      ['市市场监督管理局', 3],
    ]);
  });
});
