import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { startRealNameDouble } from '../helpers/realname-double';
import { catalogDepartment, expectStatus, platformAdmin, session, signInAgain, type Session } from '../catalog/factory';
import { boundEntry, corpSource, corpUscc as uscc, type CorpSource } from '../exchange/pull-fixtures';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { attachAccount } from '../../src/server/modules/open';
import { remindOverdueApplication } from '../../src/server/modules/open/applications-service';
import { workingDaysDeadline } from '../../src/server/platform/calendar/service';
import { addDays, shanghaiDate } from '../../src/server/platform/calendar/dates';
import { idNumberCheckChar } from '../../src/shared/org/id-number';

let t: TestApp;
let realName: Awaited<ReturnType<typeof startRealNameDouble>>;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let admin: Session;
let reviewForm: string;
const ROWS = 12;
const CLEAR = { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' };

beforeAll(async () => {
  realName = await startRealNameDouble();
  t = await testApp({ realNameUrl: realName.url });
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { openType: 'conditional' });
  await runPull(t.ctx, b.binding.id);
  admin = await platformAdmin(t);
  // On the portal: both confidentiality reviews, with a masking rule for the public on the credit code.
  const review = (s: Session, attachmentIds: string[] = []) =>
    t.inject({
      method: 'POST',
      url: `/api/open/datasets/${b.entry.id}/reviews`,
      headers: s.headers,
      payload: { checklist: CLEAR, conclusion: 'pass', attachmentIds },
    });
  // The leader's review carries the signed review form.
  reviewForm = expectStatus(await upload(b.provider.leader, '保密审查表.pdf'), 201).json<{ id: string }>().id;
  expectStatus(await review(b.provider.leader, [reviewForm]), 200);
  expectStatus(
    await t.inject({
      method: 'PUT',
      url: `/api/exchange/entries/${b.entry.id}/masking`,
      headers: b.provider.specialist.headers,
      payload: [{ field: 'uscc', channel: 'open', rule: 'keep:2,2' }],
    }),
    200,
  );
  expectStatus(await review(admin), 200);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
  await realName?.close();
});

let n = 0;
/** A signed-in public user with a real-name account (verified unless the service is down). */
async function applicant(name: string): Promise<Session> {
  const s = await session(t, ['public_user'], { departmentId: null });
  const first17 = `36110219880808${String(++n).padStart(3, '0')}`;
  await attachAccount(t.ctx, s.id, {
    personName: name,
    idNumber: first17 + idNumberCheckChar(first17),
    contactKind: 'email',
  });
  return s;
}

const send = (method: 'GET' | 'POST', url: string, s?: Session, payload?: object) =>
  t.inject({
    method,
    url,
    headers: s?.headers ?? {},
    ...(payload ? { payload: payload as Record<string, unknown> } : {}),
  });
const today = () => shanghaiDate(t.clock.now());
const base = () => `/api/portal/datasets/${b.entry.code}`;
const applyAs = (s: Session, over: Record<string, unknown> = {}, name = '孙申请') =>
  send('POST', `${base()}/applications`, s, {
    purpose: '企业信用风险研究',
    scenario: '高校课题组对本市企业存续情况做统计分析，不对外发布个体数据',
    fields: ['corp_id', 'corp_name', 'uscc'],
    wantedUntil: addDays(today(), 90),
    commitmentSignedName: name,
    ...over,
  });
const codeOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string } }).error.code;

/** A small real PDF (the type is read from the content). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
async function upload(s: Session, fileName: string, content = PDF) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.inject({
    method: 'POST',
    url: '/api/open/attachments',
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe('attachments of a confidentiality review (R-33)', () => {
  it('shows the review form with the review, to the provider and the platform only', async () => {
    const d = expectStatus(await send('GET', `/api/open/datasets/${b.entry.id}`, admin), 200).json<{
      reviews: Array<{ stage: string; attachments: Array<{ id: string; fileName: string }> }>;
    }>();
    expect(d.reviews.find((r) => r.stage === 'provider')!.attachments).toEqual([
      expect.objectContaining({ id: reviewForm, fileName: '保密审查表.pdf' }),
    ]);
    expectStatus(await send('GET', `/api/open/attachments/${reviewForm}`, admin), 200);
    expectStatus(await send('GET', `/api/open/attachments/${reviewForm}`, b.provider.specialist), 200);
    expect((await send('GET', `/api/open/attachments/${reviewForm}`, await applicant('冯好奇'))).statusCode).toBe(404);
  });
});

describe('有条件开放 applications (R-32, Art 22)', () => {
  let alice: Session;
  let id: string;
  let attachmentId: string;

  it('takes an application only from a real-name account, for open items, signed with the own name', async () => {
    alice = await applicant('孙申请');
    expect(codeOf(expectStatus(await send('GET', `${base()}/download`, alice), 400))).toBe('OPEN_APPLICATION_REQUIRED');

    realName.state.down = true;
    const unverified = await applicant('钱未核').finally(() => (realName.state.down = false));
    expect(codeOf(expectStatus(await applyAs(unverified, {}, '钱未核'), 403))).toBe(
      'OPEN_APPLICATION_REALNAME_REQUIRED',
    );

    expect(codeOf(expectStatus(await applyAs(alice, { fields: ['corp_id', 'secret_col'] }), 400))).toBe(
      'OPEN_APPLICATION_FIELDS_INVALID',
    );
    expect(codeOf(expectStatus(await applyAs(alice, { commitmentSignedName: '别人' }), 400))).toBe(
      'OPEN_APPLICATION_SIGNATURE_MISMATCH',
    );
    expect(codeOf(expectStatus(await applyAs(alice, { wantedUntil: addDays(today(), -1) }), 400))).toBe(
      'OPEN_APPLICATION_PERIOD_INVALID',
    );
    // Staff and anonymous callers do not apply.
    expect((await applyAs(b.provider.user)).statusCode).toBe(403);
    expect((await send('POST', `${base()}/applications`, undefined, {})).statusCode).toBe(401);

    // Evidence goes with the application: uploaded first, named when applying; only one's own.
    const file = expectStatus(await upload(alice, '课题立项书.pdf'), 201).json<{ id: string; mime: string }>();
    expect(file.mime).toBe('application/pdf');
    expect(codeOf(expectStatus(await upload(alice, 'x.exe', Buffer.from('MZ\x90\x00binary')), 415))).toBe(
      'OPEN_ATTACHMENT_TYPE',
    );
    const stranger = await applicant('郑他人');
    const foreign = expectStatus(await upload(stranger, '别人的.pdf'), 201).json<{ id: string }>();
    expect(codeOf(expectStatus(await applyAs(alice, { attachmentIds: [foreign.id] }), 400))).toBe(
      'OPEN_ATTACHMENT_INVALID',
    );

    const a = expectStatus(await applyAs(alice, { attachmentIds: [file.id] }), 200).json<{
      id: string;
      no: string;
      status: string;
      dueAt: string;
      overdue: boolean;
      fields: Array<{ field: string; name: string }>;
    }>();
    id = a.id;
    expect(a).toMatchObject({ status: 'submitted', overdue: false });
    expect(a.no).toMatch(/^KF\d{10}$/);
    expect(a.fields.map((f) => f.name)).toEqual(['企业编号', '企业名称', '统一社会信用代码']);
    // Twenty working days of receipt (the platform calendar, weekends and holidays skipped).
    expect(a.dueAt).toBe((await workingDaysDeadline(t.ctx, t.clock.now(), 20)).toISOString());
    expect(codeOf(expectStatus(await applyAs(alice), 409))).toBe('OPEN_APPLICATION_WAITING');
    attachmentId = file.id;

    const notes = await t.ctx.db
      .selectFrom('notification')
      .select(['user_id', 'kind'])
      .where('kind', '=', 'open.application.received')
      .execute();
    expect(notes.map((x) => x.user_id).sort()).toEqual([b.provider.specialist.id, b.provider.leader.id].sort());
    const todos = expectStatus(await send('GET', '/api/todos', b.provider.specialist), 200).json<{
      groups: Array<{ kind: string; total: number }>;
    }>();
    expect(todos.groups.find((g) => g.kind === 'open.application.decide')?.total).toBe(1);
  });

  it('is answered by the provider only; a refusal needs its basis and reason', async () => {
    const seen = expectStatus(await send('GET', `/api/open/applications/${id}`, b.provider.specialist), 200).json();
    expect(seen.attachments).toEqual([expect.objectContaining({ id: attachmentId, fileName: '课题立项书.pdf' })]);
    const pdf = expectStatus(await send('GET', `/api/open/attachments/${attachmentId}`, b.provider.specialist), 200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.equals(PDF)).toBe(true);
    const other = await catalogDepartment(t);
    expect((await send('GET', `/api/open/attachments/${attachmentId}`, other.leader)).statusCode).toBe(404);
    expect((await send('GET', `/api/open/applications/${id}`, other.leader)).statusCode).toBe(404);
    const mine = expectStatus(await send('GET', '/api/open/applications', other.leader), 200).json<{ total: number }>();
    expect(mine.total).toBe(0);
    expect(
      (await send('POST', `/api/open/applications/${id}/decision`, admin, { decision: 'approve' })).statusCode,
    ).toBe(403);
    expect(expectStatus(await send('GET', '/api/open/applications', admin), 200).json<{ total: number }>().total).toBe(
      1,
    );

    const bare = await send('POST', `/api/open/applications/${id}/decision`, b.provider.specialist, {
      decision: 'refuse',
      basis: '《上饶市政务信息资源共享和开放管理办法》第二十二条',
    });
    expect(codeOf(expectStatus(bare, 400))).toBe('OPEN_APPLICATION_FIELD_REQUIRED');
    const extra = await send('POST', `/api/open/applications/${id}/decision`, b.provider.specialist, {
      decision: 'approve',
      fields: ['corp_id', 'capital'],
    });
    expect(codeOf(expectStatus(extra, 400))).toBe('OPEN_APPLICATION_FIELDS_INVALID');

    const approved = expectStatus(
      await send('POST', `/api/open/applications/${id}/decision`, b.provider.specialist, {
        decision: 'approve',
        fields: ['corp_id', 'uscc'],
        accessUntil: addDays(today(), 30),
      }),
      200,
    ).json();
    expect(approved).toMatchObject({ status: 'approved', accessOpen: true, accessUntil: addDays(today(), 30) });
    expect(approved.approvedFields.map((f: { field: string }) => f.field)).toEqual(['corp_id', 'uscc']);
    expect(
      codeOf(
        expectStatus(
          await send('POST', `/api/open/applications/${id}/decision`, b.provider.leader, { decision: 'approve' }),
          409,
        ),
      ),
    ).toBe('OPEN_APPLICATION_STATE_CHANGED');
  });

  it('opens the approved items to that applicant alone, masked, by download and by API key, until the date', async () => {
    const csv = expectStatus(await send('GET', `${base()}/download?format=csv`, alice), 200);
    // Parsed: a signed-in user's download carries its mark in how fields are quoted (Art 18), not in values.
    const lines = parse(csv.body, { bom: true }) as string[][];
    expect(lines[0]).toEqual(['企业编号', '统一社会信用代码']);
    expect(lines).toHaveLength(ROWS + 1);
    expect(csv.body).not.toContain(uscc(1));
    expect(expectStatus(await send('GET', `${base()}/preview`, alice), 200).json().columns).toHaveLength(2);

    // Nobody else: anonymous, another public user.
    expect((await send('GET', `${base()}/download`)).statusCode).toBe(400);
    expect((await send('GET', `${base()}/download`, await applicant('周旁人'))).statusCode).toBe(400);

    const { key } = expectStatus(await send('POST', '/api/portal/me/keys', alice, { name: '课题组' }), 201).json<{
      key: string;
    }>();
    const records = await t.inject({
      method: 'GET',
      url: `/open/api/v1/datasets/${b.entry.code}/records?limit=5`,
      headers: { 'x-api-key': key },
    });
    const body = expectStatus(records, 200).json<{ items: Array<Record<string, unknown>> }>();
    expect(Object.keys(body.items[0]!).sort()).toEqual(['corp_id', 'uscc']);

    t.clock.advance(31 * 86_400_000);
    await signInAgain(t, alice);
    expect((await send('GET', `${base()}/download`, alice)).statusCode).toBe(400);
    const [mine] = expectStatus(await send('GET', '/api/portal/applications', alice), 200).json<{
      items: Array<{ accessOpen: boolean }>;
    }>().items;
    expect(mine!.accessOpen).toBe(false);
  });

  it("lists the applicant's applications for one dataset (the dataset page's panel)", async () => {
    const code = b.entry.code;
    const one = expectStatus(
      await send('GET', `/api/portal/applications?dataset=${encodeURIComponent(code)}`, alice),
      200,
    ).json<{ items: Array<{ datasetCode: string }>; total: number }>();
    expect(one.total).toBeGreaterThan(0);
    expect(one.items.every((a) => a.datasetCode === code)).toBe(true);
    const none = expectStatus(await send('GET', '/api/portal/applications?dataset=ZZ%2F999999', alice), 200).json();
    expect(none).toMatchObject({ items: [], total: 0 });
    expect((await send('GET', '/api/portal/applications?dataset=bad', alice)).statusCode).toBe(400);
  });

  it("takes the applicant's report of the use afterwards", async () => {
    const res = expectStatus(
      await send('POST', `/api/portal/applications/${id}/use-report`, alice, {
        report: '完成课题报告一份，未对外提供数据',
      }),
      200,
    ).json();
    expect(res).toMatchObject({ useReport: '完成课题报告一份，未对外提供数据' });
    expect(res.useReportedAt).toBeTruthy();
  });

  it('flags an unanswered application overdue after 20 working days and tells the provider and the platform', async () => {
    const bob = await applicant('吴逾期');
    const a = expectStatus(await applyAs(bob, {}, '吴逾期'), 200).json<{ id: string; dueAt: string }>();
    t.clock.advance(Date.parse(a.dueAt) - t.clock.now().getTime() + 60_000);
    await remindOverdueApplication(t.ctx, { applicationId: a.id });
    const kinds = await t.ctx.db
      .selectFrom('notification')
      .select('user_id')
      .where('kind', '=', 'open.application.overdue')
      .execute();
    expect(kinds.map((k) => k.user_id)).toContain(admin.id);
    await signInAgain(t, b.provider.specialist);
    const late = expectStatus(
      await send('GET', '/api/open/applications?overdue=true', b.provider.specialist),
      200,
    ).json<{ items: Array<{ id: string; overdue: boolean }> }>();
    expect(late.items.map((x) => x.id)).toEqual([a.id]);
    expect(late.items[0]!.overdue).toBe(true);

    const refused = expectStatus(
      await send('POST', `/api/open/applications/${a.id}/decision`, b.provider.specialist, {
        decision: 'refuse',
        basis: '《中华人民共和国个人信息保护法》第十三条',
        reason: '申请用途涉及个体企业信用评价，超出开放条件',
      }),
      200,
    ).json();
    expect(refused).toMatchObject({
      status: 'refused',
      overdue: false,
      refusalBasis: '《中华人民共和国个人信息保护法》第十三条',
    });

    // Counted city-wide for supervision on the platform's overview.
    const series = expectStatus(await send('GET', '/api/overview', admin), 200).json<
      Array<{ key: string; points: Array<{ label: string; value: number }> }>
    >();
    expect(series.find((x) => x.key === 'open.applicationsByStatus')!.points).toEqual([
      { label: '已同意', value: 1 },
      { label: '不予开放', value: 1 },
    ]);
  });
});
