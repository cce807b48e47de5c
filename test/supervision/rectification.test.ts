import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  session,
  sessionsOf,
  signInAgain,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { workingDaysDeadline } from '../../src/server/platform/calendar/service';
import { circulateOverdue } from '../../src/server/modules/supervision/circular-service';
import { rectificationClosure } from '../../src/server/modules/supervision';
import { parsePeriod } from '../../src/shared/supervision/periods';

/** Rectification notices, circulars and the leading group report (issue #16 point 4; Art 30). */
let t: TestApp;
let admin: Session;
let auditor: Session;
let a: CatalogDepartment;
let b: CatalogDepartment;
let c: CatalogDepartment;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
  [a, b, c] = await Promise.all([catalogDepartment(t), catalogDepartment(t), catalogDepartment(t)]);
  auditor = await session(t, ['auditor'], { departmentId: null });
});
afterAll(async () => {
  await t?.close();
});

const send = (method: 'GET' | 'POST', url: string, s: Session, payload?: object) =>
  t.inject({ method, url, headers: s.headers, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
const codeOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string } }).error.code;
/** The rectification groups of a user's to-do home, as `kind: total`. */
const todos = async (s: Session) =>
  Object.fromEntries(
    expectStatus(await send('GET', '/api/todos', s), 200)
      .json<{ groups: Array<{ kind: string; total: number; items: Array<{ title: string }> }> }>()
      .groups.filter((g) => g.kind.startsWith('supervision.'))
      .map((g) => [g.kind, g.items.map((i) => i.title)]),
  );

async function violation(departmentId: string, summary: string, kind: 1 | 2 | 3 | 4 | 5 = 3) {
  const evidence = [
    {
      ref: 'share_review_step:1',
      label: '共享申请 GX-2026-000001 · 提供部门审核',
      at: null,
      ok: false,
      note: '逾期 2 个工作日',
    },
    { ref: 'share_review_step:2', label: '共享申请 GX-2026-000002 · 提供部门审核', at: null, ok: true },
  ];
  const r = await t.ctx.db
    .insertInto('supervision_violation')
    .values({
      department_id: departmentId,
      kind,
      period_key: `2026-11-${summary}`.slice(0, 7),
      source: 'reported',
      summary,
      evidence: JSON.stringify(evidence),
      updated_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
const violationStatus = async (id: string) =>
  (await t.ctx.db.selectFrom('supervision_violation').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

interface Notice {
  id: string;
  no: string;
  title: string;
  status: string;
  dueAt: string;
  departmentName: string;
  measures: string | null;
  verifyNote: string | null;
  attachments: Array<{ id: string; fileName: string }>;
  violations: Array<{ id: string; status: string }>;
  canAnswer: boolean;
  canVerify: boolean;
  circularId: string | null;
}
const issue = async (dept: CatalogDepartment, violationIds: string[], workingDays = 5) =>
  expectStatus(
    await send('POST', '/api/supervision/rectifications', admin, {
      departmentId: dept.id,
      violationIds,
      title: '关于共享申请逾期未办的整改通知',
      requirement: '请立即办理逾期的共享申请，并建立审核环节到期提醒机制。',
      workingDays,
    }),
    201,
  ).json<Notice>();
const detail = async (id: string, s: Session) =>
  expectStatus(await send('GET', `/api/supervision/rectifications/${id}`, s), 200).json<Notice>();
const inboxKinds = async (userId: string) =>
  (
    await t.ctx.db.selectFrom('notification').select(['kind', 'title', 'body']).where('user_id', '=', userId).execute()
  ).filter((n) => n.kind.startsWith('supervision.'));
const auditActions = async (targetId: string) =>
  (await t.ctx.db.selectFrom('audit_event').select(['action', 'outcome']).where('target_id', '=', targetId).execute())
    .filter((e) => e.outcome === 'success')
    .map((e) => e.action);

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
async function upload(s: Session, fileName: string) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n\r\n`),
    PDF,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.inject({
    method: 'POST',
    url: '/api/supervision/rectifications/attachments',
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  return expectStatus(res, 201).json<{ id: string }>();
}

let onTime: Notice;
let unanswered: Notice;
let rejectedLate: Notice;
let otherDept: Notice;

describe('issue → answer → reject → answer → close', () => {
  it('issues a numbered notice with a working-day deadline; the violations become noticed and the department is told', async () => {
    const v1 = await violation(a.id, '3 个共享审核环节逾期未办');
    const v2 = await violation(a.id, '1 个异议逾期未答复');
    const foreign = await violation(b.id, '另一部门的问题');
    const refused = await send('POST', '/api/supervision/rectifications', admin, {
      departmentId: a.id,
      violationIds: [v1, foreign],
      title: 'x',
      requirement: 'y',
      workingDays: 5,
    });
    expect(refused.statusCode).toBe(400);
    expect(codeOf(refused)).toBe('RECTIFICATION_VIOLATIONS_INVALID');
    // A department cannot issue notices.
    expect(
      (
        await send('POST', '/api/supervision/rectifications', a.leader, {
          departmentId: a.id,
          violationIds: [v1],
          title: 'x',
          requirement: 'y',
          workingDays: 5,
        })
      ).statusCode,
    ).toBe(403);

    onTime = await issue(a, [v1, v2]);
    expect(onTime.no).toMatch(/^ZG-2026-\d{4}$/);
    expect(onTime.status).toBe('issued');
    expect(onTime.dueAt).toBe((await workingDaysDeadline(t.ctx, t.clock.now(), 5)).toISOString());
    expect(await violationStatus(v1)).toBe('noticed');
    expect(await violationStatus(v2)).toBe('noticed');
    // Named once: a noticed violation is not named again.
    expect(
      codeOf(
        await send('POST', '/api/supervision/rectifications', admin, {
          departmentId: a.id,
          violationIds: [v1],
          title: 'x',
          requirement: 'y',
          workingDays: 5,
        }),
      ),
    ).toBe('RECTIFICATION_VIOLATIONS_INVALID');
    for (const s of [a.leader, a.specialist])
      expect((await inboxKinds(s.id)).map((n) => n.kind)).toContain('supervision.rectification.issued');
    expect(await inboxKinds(b.leader.id)).toEqual([]);
    // On the department's to-do home until answered; nothing on another department's.
    expect((await todos(a.specialist))['supervision.rectification.answer']).toContain(`${onTime.no} ${onTime.title}`);
    expect(await todos(b.leader)).toEqual({});
  });

  it('the department answers with measures and evidence; the admins are told; the file opens for the notice readers only', async () => {
    const view = await detail(onTime.id, a.specialist);
    expect(view.canAnswer).toBe(true);
    expect(view.canVerify).toBe(false);
    const file = await upload(a.specialist, '整改报告.pdf');
    const answered = expectStatus(
      await send('POST', `/api/supervision/rectifications/${onTime.id}/answer`, a.specialist, {
        measures: '已办结全部逾期申请，并于 OA 中设置到期前 1 日提醒。',
        attachmentIds: [file.id],
      }),
      200,
    ).json<Notice>();
    expect(answered.status).toBe('answered');
    expect(answered.attachments.map((f) => f.fileName)).toEqual(['整改报告.pdf']);
    expect((await inboxKinds(admin.id)).map((n) => n.kind)).toContain('supervision.rectification.answered');
    // Answered: off the department's to-do home, on the office's to verify.
    expect((await todos(a.specialist))['supervision.rectification.answer'] ?? []).not.toContain(
      `${onTime.no} ${onTime.title}`,
    );
    expect((await todos(admin))['supervision.rectification.verify']).toContain(`${onTime.no} ${onTime.title}`);
    const url = `/api/supervision/rectifications/attachments/${file.id}`;
    expectStatus(await send('GET', url, a.leader), 200);
    expectStatus(await send('GET', url, admin), 200);
    expect((await send('GET', url, b.leader)).statusCode).toBe(404);
    // The office verifies; the department may not answer again meanwhile.
    expect(
      codeOf(
        await send('POST', `/api/supervision/rectifications/${onTime.id}/answer`, a.leader, { measures: '再次反馈' }),
      ),
    ).toBe('RECTIFICATION_NOT_ANSWERABLE');
  });

  it('the admin sends it back with a note, the same deadline standing; the department answers again; the admin closes it', async () => {
    const noNote = await send('POST', `/api/supervision/rectifications/${onTime.id}/verify`, admin, {
      outcome: 'reject',
    });
    expect(codeOf(noNote)).toBe('RECTIFICATION_NOTE_REQUIRED');
    const rejected = expectStatus(
      await send('POST', `/api/supervision/rectifications/${onTime.id}/verify`, admin, {
        outcome: 'reject',
        note: '缺少提醒机制的截图',
      }),
      200,
    ).json<Notice>();
    expect(rejected).toMatchObject({ status: 'rejected', verifyNote: '缺少提醒机制的截图', dueAt: onTime.dueAt });
    const told = await inboxKinds(a.specialist.id);
    expect(told.find((n) => n.kind === 'supervision.rectification.rejected')?.body).toContain('缺少提醒机制的截图');

    const shot = await upload(a.leader, '提醒截图.png.pdf');
    expectStatus(
      await send('POST', `/api/supervision/rectifications/${onTime.id}/answer`, a.leader, {
        measures: '补充提醒机制截图。',
        attachmentIds: [shot.id],
      }),
      200,
    );
    expect((await detail(onTime.id, admin)).canVerify).toBe(true);
    const closed = expectStatus(
      await send('POST', `/api/supervision/rectifications/${onTime.id}/verify`, admin, { outcome: 'close' }),
      200,
    ).json<Notice>();
    expect(closed.status).toBe('closed');
    expect(closed.attachments).toHaveLength(2);
    expect(closed.violations.map((v) => v.status)).toEqual(['rectified', 'rectified']);
    expect((await inboxKinds(a.leader.id)).map((n) => n.kind)).toContain('supervision.rectification.closed');
    expect(await auditActions(onTime.id)).toEqual(
      expect.arrayContaining([
        'supervision.rectification.issue',
        'supervision.rectification.answer',
        'supervision.rectification.verify',
      ]),
    );
    expect((await auditActions(onTime.id)).filter((x) => x === 'supervision.rectification.answer')).toHaveLength(2);
  });
});

describe('scope', () => {
  it('another department neither sees nor answers a notice; the auditor sees every one', async () => {
    expect((await send('GET', `/api/supervision/rectifications/${onTime.id}`, b.specialist)).statusCode).toBe(404);
    const listed = expectStatus(await send('GET', '/api/supervision/rectifications', b.leader), 200).json<{
      items: Notice[];
      total: number;
    }>();
    expect(listed.items.map((n) => n.id)).not.toContain(onTime.id);
    const own = expectStatus(await send('GET', '/api/supervision/rectifications', a.leader), 200).json<{
      items: Notice[];
    }>();
    expect(own.items.map((n) => n.id)).toEqual([onTime.id]);
    const other = (otherDept = await issue(b, [await violation(b.id, '目录未按期更新', 1)]));
    expect(
      (await send('POST', `/api/supervision/rectifications/${other.id}/answer`, a.specialist, { measures: '冒名反馈' }))
        .statusCode,
    ).toBe(404);
    expect((await detail(other.id, a.leader).catch((e: Error) => e)) instanceof Error).toBe(true);
    expect((await detail(other.id, auditor)).departmentName).toBe(b.name);
    // Only the office verifies.
    expect(
      (await send('POST', `/api/supervision/rectifications/${other.id}/verify`, b.leader, { outcome: 'close' }))
        .statusCode,
    ).toBe(403);
  });
});

describe('past the deadline', () => {
  it('circulates a notice left unanswered, and one sent back, to every department, audited', async () => {
    unanswered = await issue(a, [await violation(a.id, '2 次数据更新失败', 2)]);
    rejectedLate = await issue(c, [await violation(c.id, '5 个共享审核环节逾期未办')]);
    const answered = await issue(b, [await violation(b.id, '接口可用率低于 95%', 2)]);
    expectStatus(
      await send('POST', `/api/supervision/rectifications/${rejectedLate.id}/answer`, c.specialist, {
        measures: '正在办理',
      }),
      200,
    );
    expectStatus(
      await send('POST', `/api/supervision/rectifications/${rejectedLate.id}/verify`, admin, {
        outcome: 'reject',
        note: '仍有 3 件未办结',
      }),
      200,
    );
    expectStatus(
      await send('POST', `/api/supervision/rectifications/${answered.id}/answer`, b.specialist, { measures: '已修复' }),
      200,
    );

    // Not before the deadline.
    expect(await circulateOverdue(t.ctx)).toBe(0);
    t.clock.set(new Date(new Date(unanswered.dueAt).getTime() + DAY));
    await signInAgain(t, ...sessionsOf(a, b, c), auditor);
    expect((await detail(unanswered.id, a.leader)).status).toBe('issued');
    // Three (B's from the scope test too); the answered notice waits for the office, it is not the department's delay.
    expect(await circulateOverdue(t.ctx)).toBe(3);
    expect((await detail(answered.id, admin)).status).toBe('answered');
    expect(await circulateOverdue(t.ctx)).toBe(0);

    const n = await detail(unanswered.id, a.leader);
    expect(n.status).toBe('circulated');
    expect(n.circularId).not.toBeNull();
    // The circular is published to every department, readable by every internal account.
    const list = expectStatus(await send('GET', '/api/supervision/circulars', b.user), 200).json<{
      items: Array<{ id: string; no: string; departmentName: string; noticeNo: string }>;
    }>();
    expect(list.items.map((x) => x.noticeNo).sort()).toEqual([unanswered.no, rejectedLate.no, otherDept.no].sort());
    const circ = expectStatus(await send('GET', `/api/supervision/circulars/${n.circularId}`, b.user), 200).json<{
      no: string;
      title: string;
      body: string;
    }>();
    expect(circ.no).toMatch(/^TB-2026-\d{4}$/);
    expect(circ.title).toBe(`关于${a.name}逾期未完成整改情况的通报`);
    for (const text of [
      a.name,
      unanswered.no,
      '2 次数据更新失败',
      '共享申请 GX-2026-000001 · 提供部门审核（逾期 2 个工作日）',
      '未反馈整改情况',
    ])
      expect(circ.body).toContain(text);
    const rejectedCircular = list.items.find((x) => x.noticeNo === rejectedLate.no)!;
    const rc = expectStatus(await send('GET', `/api/supervision/circulars/${rejectedCircular.id}`, a.user), 200).json<{
      body: string;
    }>();
    expect(rc.body).toContain('退回意见：仍有 3 件未办结');

    for (const s of [a.leader, a.specialist, b.leader, b.specialist, c.leader, c.specialist])
      expect((await inboxKinds(s.id)).filter((x) => x.kind === 'supervision.circular.published')).toHaveLength(3);
    const published = await t.ctx.db
      .selectFrom('audit_event')
      .select(['username', 'target_name', 'provider_department_id'])
      .where('action', '=', 'supervision.circular.publish')
      .where('target_id', '=', n.circularId!)
      .execute();
    expect(published).toEqual([
      { username: 'job-runner', target_name: `${circ.no} ${circ.title}`, provider_department_id: a.id },
    ]);
    // The department can still rectify after the circular.
    expect((await detail(unanswered.id, a.specialist)).canAnswer).toBe(true);
  });
});

describe('closure indicator and the leading group report', () => {
  it('counts notices due in the period closed with measures given by their deadline, with evidence per notice', async () => {
    const values = await rectificationClosure.compute(t.ctx, parsePeriod('2026-Q4')!);
    const of = (id: string) => values.find((v) => v.departmentId === id);
    expect(of(a.id)).toMatchObject({ numerator: 1, denominator: 2 });
    expect(of(c.id)).toMatchObject({ numerator: 0, denominator: 1 });
    expect(of(b.id)).toMatchObject({ numerator: 0, denominator: 2 });
    const evidence = of(a.id)!.evidence;
    expect(evidence.map((e) => [e.ref, e.ok])).toEqual(
      expect.arrayContaining([
        [`rectification_notice:${onTime.id}`, true],
        [`rectification_notice:${unanswered.id}`, false],
      ]),
    );
    expect(evidence.find((e) => !e.ok)?.note).toBe('逾期未整改，已通报');
    // A period before any deadline has nothing to measure.
    expect(await rectificationClosure.compute(t.ctx, parsePeriod('2026-10')!)).toEqual([]);
  });

  it('exports the period to the leading group as a workbook and a printable document, for the office only', async () => {
    const xlsx = expectStatus(
      await send('GET', '/api/supervision/leading-group-report?period=2026-Q4&format=xlsx', admin),
      200,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const notices = wb.getWorksheet('整改通知')!;
    const nos = notices.getColumn(1).values.slice(2);
    expect(nos).toEqual(expect.arrayContaining([onTime.no, unanswered.no, rejectedLate.no]));
    expect(wb.getWorksheet('通报')!.rowCount).toBe(4);
    const html = expectStatus(
      await send('GET', '/api/supervision/leading-group-report?period=2026-Q4&format=html', admin),
      200,
    );
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('关于2026年第4季度政务数据共享开放整改及通报情况的报告');
    expect(html.body).toContain(a.name);
    expect(html.body).toContain('逾期已通报');
    expect(
      (await send('GET', '/api/supervision/leading-group-report?period=2026-Q4&format=xlsx', a.leader)).statusCode,
    ).toBe(403);
    const exports = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'outcome'])
      .where('action', '=', 'supervision.report.export')
      .execute();
    expect(exports.map((e) => e.outcome).sort()).toEqual(['denied', 'success', 'success']);
  });
});
