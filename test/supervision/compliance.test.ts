import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus, platformAdmin, session, signInAgain, type Session } from '../catalog/factory';
import { conditionalRequest } from '../sharing/factory';
import { verifyAndRecordChain } from '../../src/server/platform/audit/verification';
import { shanghaiDate } from '../../src/server/platform/calendar/dates';
import type { ComplianceView } from '../../src/server/modules/supervision/compliance-schemas';

/** The live compliance view (issue #16 point 6): each article with this instance's evidence, read live. */
let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await testApp({}, new Date('2026-11-02T02:00:00Z'));
  admin = await platformAdmin(t);
});
afterAll(async () => {
  await t?.close();
});

const view = async (s: Session = admin) =>
  expectStatus(
    await t.inject({ method: 'GET', url: '/api/supervision/compliance', headers: s.headers }),
    200,
  ).json<ComplianceView>();
const article = (v: ComplianceView, no: number) => v.articles.find((a) => a.no === no)!;
const fact = (v: ComplianceView, no: number, label: string) => {
  const f = article(v, no).facts.find((x) => x.label.startsWith(label));
  if (!f) throw new Error(`Art ${no} has no fact "${label}": ${JSON.stringify(article(v, no).facts)}`);
  return f;
};

describe('compliance view', () => {
  it('lists articles 1–32; those binding only people carry no evidence', async () => {
    const v = await view();
    expect(v.articles.map((a) => a.no)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    for (const no of [1, 2, 4, 32])
      expect(article(v, no)).toMatchObject({ software: false, status: 'informative', facts: [] });
    expect(article(v, 14).zh).toContain('3 + 10 个工作日');
  });

  it("shows Art 25's audit verification once the daily task has walked the chain", async () => {
    const before = fact(await view(), 25, '审计日志哈希链校验');
    expect(before).toMatchObject({ ok: false, value: expect.stringContaining('尚未校验') });
    await verifyAndRecordChain(t.ctx);
    const after = fact(await view(), 25, '审计日志哈希链校验');
    expect(after.ok).toBe(true);
    expect(after.value).toMatch(/校验 \d+ 条，完整/);
    expect(fact(await view(), 25, '日志保留期限')).toMatchObject({ ok: true });
    // Three days later the verification is stale: the task has stopped, which is a finding.
    t.clock.advance(3 * 24 * 3600_000);
    await signInAgain(t, admin);
    expect(fact(await view(), 25, '审计日志哈希链校验').ok).toBe(false);
  });

  it("reads Art 25's yearly drill and assessment from the security register", async () => {
    expect(fact(await view(), 25, '应急演练')).toMatchObject({ ok: false, value: '从未开展' });
    const security = await session(t, ['security_admin'], { departmentId: null });
    const heldOn = shanghaiDate(t.clock.now());
    expectStatus(
      await t.inject({
        method: 'POST',
        url: '/api/security/register',
        headers: security.headers,
        payload: {
          kind: 'drill',
          heldOn,
          title: '数据泄露应急演练',
          scope: '共享交换平台',
          conductedBy: '市大数据发展管理局',
          findings: '',
        },
      }),
      201,
    );
    const drill = fact(await view(), 25, '应急演练');
    expect(drill.ok).toBe(true);
    expect(drill.value).toContain(`最近一次 ${heldOn}`);
  });

  it("counts Art 14's pre-review steps that passed their 3 working days undecided", async () => {
    const { request } = await conditionalRequest(t);
    const before = fact(await view(), 14, '平台初审').value;
    t.clock.set(new Date(new Date(request.currentStep!.dueAt).getTime() + 60_000));
    await signInAgain(t, admin);
    const after = await view();
    const step = fact(after, 14, '平台初审');
    expect(step.value).not.toBe(before);
    expect(step.value).toMatch(/到期 1 个，按期办结 0 个（0%）/);
    expect(step.ok).toBe(false);
    expect(article(after, 14).status).toBe('attention');
  });

  it('is for the platform, the security admin and the auditor; a department gets 403', async () => {
    const auditor = await session(t, ['auditor'], { departmentId: null });
    await view(auditor);
    const dept = await t.department();
    const leader = await session(t, ['dept_leader'], { departmentId: dept.id });
    expectStatus(await t.inject({ method: 'GET', url: '/api/supervision/compliance', headers: leader.headers }), 403);
  });

  it('exports the view as a workbook for an inspection, one row per fact', async () => {
    const res = expectStatus(
      await t.inject({ method: 'GET', url: '/api/supervision/compliance.xlsx', headers: admin.headers }),
      200,
    );
    expect(res.headers['content-disposition']).toContain('.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = wb.getWorksheet('条款落实情况')!.getSheetValues().filter(Boolean) as unknown[][];
    const text = rows.map((r) => r.join('|'));
    expect(text[0]).toContain('当前情况');
    expect(text.some((r) => r.includes('第14条') && r.includes('平台初审') && r.includes('到期 1 个'))).toBe(true);
    expect(text.some((r) => r.includes('第1条') && r.includes('规范人员和组织'))).toBe(true);
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'supervision.compliance.export')
      .execute();
    expect(audited.length).toBeGreaterThanOrEqual(1);
  });
});
