import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { noSpecialist } from '../../src/server/modules/org/supervision';
import { parsePeriod, periodOf } from '../../src/shared/supervision/periods';

/** 数据专员 training and the kind-5 violation (issue #16 point 5; R-50, Art 28). Today is 2026-11-24 in the test clock. */
let t: TestApp;
let admin: Session;
let a: CatalogDepartment;
let b: CatalogDepartment;
let c: CatalogDepartment;
let e: CatalogDepartment;
const sp: Record<string, string> = {};

async function specialist(departmentId: string, name: string, activeFrom: string, activeTo: string | null = null) {
  const r = await t.ctx.db
    .insertInto('specialist')
    .values({
      department_id: departmentId,
      name,
      mobile: '13800000000',
      active_from: activeFrom,
      active_to: activeTo,
      updated_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
  [a, b, c, e] = await Promise.all([
    catalogDepartment(t),
    catalogDepartment(t),
    catalogDepartment(t),
    catalogDepartment(t),
  ]);
  // They exist since before October, so the October assessment expects a specialist of each.
  await t.ctx.db
    .updateTable('department')
    .set({ created_at: new Date('2026-09-01T00:00:00Z') })
    .execute();
  sp.a1 = await specialist(a.id, '李专员', '2025-01-01');
  sp.a2 = await specialist(a.id, '王专员', '2026-03-01');
  sp.b1 = await specialist(b.id, '赵专员', '2024-01-01', '2026-10-31');
  sp.e1 = await specialist(e.id, '钱专员', '2026-12-15');
});
afterAll(async () => {
  await t?.close();
});

const send = (method: 'GET' | 'POST' | 'PUT', url: string, s: Session, payload?: object) =>
  t.inject({ method, url, headers: s.headers, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
const codeOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string } }).error.code;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
async function upload(s: Session, fileName: string) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n\r\n`),
    PDF,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.inject({
    method: 'POST',
    url: '/api/training/attachments',
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

interface SessionDetail {
  id: string;
  hours: number;
  attendeeCount: number;
  attendees: Array<{ specialistId: string; name: string; departmentName: string; passed: string }>;
  materials: Array<{ id: string; fileName: string }>;
}
const input = (over: Record<string, unknown> = {}) => ({
  title: '2026年数据专员第二期业务培训',
  heldOn: '2026-11-20',
  organizer: '市大数据发展管理局',
  hours: 3.5,
  content: '政务数据目录编制规范、共享申请审核要点、数据安全责任。',
  ...over,
});

let first: SessionDetail;

describe('sessions, attendance and materials', () => {
  it('the platform records a session with its attendees and materials', async () => {
    const material = expectStatus(await upload(admin, '培训课件.pdf'), 201).json<{ id: string }>();
    expect((await upload(a.specialist, 'x.pdf')).statusCode).toBe(403);
    expect((await send('POST', '/api/training/sessions', a.leader, input())).statusCode).toBe(403);
    const future = await send('POST', '/api/training/sessions', admin, input({ heldOn: '2026-12-01' }));
    expect(codeOf(future)).toBe('TRAINING_DATE_INVALID');
    // B's specialist had left on 2026-10-31; E's starts in December.
    for (const id of [sp.b1, sp.e1]) {
      const res = await send(
        'POST',
        '/api/training/sessions',
        admin,
        input({ attendees: [{ specialistId: id, passed: 'yes' }] }),
      );
      expect(codeOf(res)).toBe('TRAINING_ATTENDEE_INVALID');
    }
    first = expectStatus(
      await send(
        'POST',
        '/api/training/sessions',
        admin,
        input({ attendees: [{ specialistId: sp.a1, passed: 'yes' }], attachmentIds: [material.id] }),
      ),
      201,
    ).json<SessionDetail>();
    expect(first).toMatchObject({ hours: 3.5, attendeeCount: 1 });
    expect(first.attendees).toEqual([
      expect.objectContaining({ specialistId: sp.a1, name: '李专员', departmentName: a.name, passed: 'yes' }),
    ]);
    expect(first.materials.map((m) => m.fileName)).toEqual(['培训课件.pdf']);
    // Everyone who reads training opens the materials.
    expectStatus(await send('GET', `/api/training/attachments/${material.id}`, b.specialist), 200);
    const listed = expectStatus(await send('GET', '/api/training/sessions?year=2026', b.leader), 200).json<{
      items: Array<{ id: string }>;
    }>();
    expect(listed.items.map((s) => s.id)).toEqual([first.id]);
  });

  it('attendance is corrected as a whole list', async () => {
    const res = expectStatus(
      await send('PUT', `/api/training/sessions/${first.id}/attendance`, admin, {
        attendees: [
          { specialistId: sp.a1, passed: 'yes' },
          { specialistId: sp.a2, passed: 'unknown' },
        ],
      }),
      200,
    ).json<SessionDetail>();
    expect(res.attendees.map((x) => [x.name, x.passed]).sort()).toEqual([
      ['李专员', 'yes'],
      ['王专员', 'unknown'],
    ]);
    const dup = await send('PUT', `/api/training/sessions/${first.id}/attendance`, admin, {
      attendees: [
        { specialistId: sp.a1, passed: 'yes' },
        { specialistId: sp.a1, passed: 'no' },
      ],
    });
    expect(codeOf(dup)).toBe('TRAINING_ATTENDEE_DUPLICATE');
  });
});

describe('records', () => {
  it("each specialist's record: sessions attended and hours this year, read by their department and the platform", async () => {
    // Last year's session counts in the record, not in this year's hours.
    expectStatus(
      await send(
        'POST',
        '/api/training/sessions',
        admin,
        input({
          title: '2025年度培训',
          heldOn: '2025-12-10',
          hours: 2,
          attendees: [{ specialistId: sp.a1, passed: 'no' }],
        }),
      ),
      201,
    );
    const own = expectStatus(await send('GET', '/api/training/records', a.leader), 200).json<{
      items: Array<{
        specialistId: string;
        sessions: number;
        sessionsThisYear: number;
        hoursThisYear: number;
        active: boolean;
      }>;
    }>();
    expect(own.items.map((r) => r.specialistId).sort()).toEqual([sp.a1, sp.a2].sort());
    expect(own.items.find((r) => r.specialistId === sp.a1)).toMatchObject({
      sessions: 2,
      sessionsThisYear: 1,
      hoursThisYear: 3.5,
      active: true,
    });
    const all = expectStatus(await send('GET', '/api/training/records?pageSize=100', admin), 200).json<{
      total: number;
    }>();
    expect(all.total).toBe(4);

    const record = expectStatus(
      await send('GET', `/api/training/specialists/${sp.a1}/record`, a.specialist),
      200,
    ).json<{
      year: number;
      attended: Array<{ title: string; hours: number; passed: string }>;
    }>();
    expect(record.year).toBe(2026);
    expect(record.attended.map((x) => [x.title, x.hours, x.passed])).toEqual([
      ['2026年数据专员第二期业务培训', 3.5, 'yes'],
      ['2025年度培训', 2, 'no'],
    ]);
    // Another department's specialist: not found for them.
    expect((await send('GET', `/api/training/specialists/${sp.a1}/record`, b.leader)).statusCode).toBe(404);
    expectStatus(await send('GET', `/api/training/specialists/${sp.a1}/record`, admin), 200);
  });
});

describe('kind 5: a department without an active specialist', () => {
  it('finds departments with none in office now, saying why, and not one that had one at the end of a past period', async () => {
    const now = await noSpecialist.detect(t.ctx, periodOf('month', t.clock.now()));
    const found = new Map(now.map((f) => [f.departmentId, f]));
    expect([...found.keys()].sort()).toEqual([b.id, c.id, e.id].sort());
    expect(found.get(b.id)!.evidence[0]).toMatchObject({ ok: false, note: '上一任数据专员 2026-10-31 离任后未补充' });
    expect(found.get(c.id)!.evidence[0]!.note).toBe('从未登记数据专员');
    expect(found.get(c.id)!.summary).toBe('截至 2026-11-24 未明确在岗数据专员');
    expect(noSpecialist.kind).toBe(5);
    // At the end of October B's specialist was still in office.
    const october = await noSpecialist.detect(t.ctx, parsePeriod('2026-10')!);
    expect(october.map((f) => f.departmentId).sort()).toEqual([c.id, e.id].sort());

    const flags = expectStatus(await send('GET', '/api/training/departments-without-specialist', a.user), 200).json<
      Array<{ departmentId: string }>
    >();
    expect(flags.map((f) => f.departmentId).sort()).toEqual([b.id, c.id, e.id].sort());
  });
});
