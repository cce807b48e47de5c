import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, platformAdmin, session, signInAgain, type Session } from '../catalog/factory';
import { addDays, shanghaiDate } from '../../src/server/platform/calendar/dates';

/** The security operations register (R-46; Art 23, 25, 26; issue #15 point 4). */
let t: TestApp;
let admin: Session;
let security: Session;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
  security = await session(t, ['security_admin'], { departmentId: null });
});
afterAll(async () => {
  await t?.close();
});

const send = (method: 'GET' | 'POST' | 'PUT', url: string, s?: Session, payload?: object) =>
  t.inject({
    method,
    url,
    headers: s?.headers ?? {},
    ...(payload ? { payload: payload as Record<string, unknown> } : {}),
  });
const today = () => shanghaiDate(t.clock.now());
const codeOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string } }).error.code;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
function upload(s: Session, fileName: string, content = PDF) {
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
    url: '/api/security/attachments',
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

const drill = (over: Record<string, unknown> = {}) => ({
  kind: 'drill',
  heldOn: today(),
  title: '2026年度共享交换平台数据泄露应急演练',
  scope: '共享交换平台、数据资源中心；市大数据中心运维组',
  conductedBy: '上饶市大数据发展管理局',
  findings: '告警升级到值班领导用时 42 分钟，超过预案规定的 30 分钟',
  conclusion: '基本达到预期',
  actions: [{ description: '修订应急预案的告警升级流程', owner: '运维组 林工', dueOn: addDays(today(), 30) }],
  ...over,
});

interface Status {
  yearly: Array<{ kind: string; lastHeldOn: string | null; dueBy: string | null; status: string }>;
  openActions: number;
  overdueActions: number;
}
const status = async (s: Session = security) =>
  expectStatus(await send('GET', '/api/security/register/status', s), 200).json<Status>();
const yearly = async (kind: string) => (await status()).yearly.find((y) => y.kind === kind)!;
const todoKinds = async (s: Session) =>
  expectStatus(await send('GET', '/api/todos', s), 200)
    .json<{ groups: Array<{ kind: string; total: number; overdue: number }> }>()
    .groups.filter((g) => g.kind.startsWith('security.'));
const recordCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('security_record')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the security operations register', () => {
  let recordId: string;
  let actionId: string;
  let reportId: string;

  it('is read and kept by the platform and security administrators only', async () => {
    const dept = await catalogDepartment(t);
    const auditor = await session(t, ['auditor'], { departmentId: null });
    for (const s of [admin, security]) expectStatus(await send('GET', '/api/security/register', s), 200);
    for (const s of [auditor, dept.specialist, dept.leader]) {
      expect((await send('GET', '/api/security/register', s)).statusCode).toBe(403);
      expect((await send('POST', '/api/security/register', s, drill())).statusCode).toBe(403);
    }
    expect((await send('GET', '/api/security/register')).statusCode).toBe(401);
  });

  it('reminds, on the to-do home, of the yearly assessment and drill nobody has held (Art 25)', async () => {
    const s = await status();
    expect(s.yearly.map((y) => [y.kind, y.status, y.lastHeldOn])).toEqual([
      ['assessment', 'overdue', null],
      ['drill', 'overdue', null],
    ]);
    expect(await todoKinds(admin)).toEqual([
      expect.objectContaining({ kind: 'security.yearly', total: 2, overdue: 2 }),
    ]);
    expect(await todoKinds(security)).toHaveLength(1);
    expect(await todoKinds(await session(t, ['auditor'], { departmentId: null }))).toEqual([]);
  });

  it('registers a drill with its findings, report and follow-up actions', async () => {
    reportId = expectStatus(await upload(security, '演练总结报告.pdf'), 201).json<{ id: string }>().id;
    const res = expectStatus(
      await send('POST', '/api/security/register', security, drill({ attachmentIds: [reportId] })),
      201,
    );
    const r = res.json<{
      id: string;
      kind: string;
      createdByName: string;
      openActions: number;
      actions: Array<{ id: string; owner: string; overdue: boolean }>;
      attachments: Array<{ id: string; fileName: string; mime: string }>;
    }>();
    recordId = r.id;
    actionId = r.actions[0]!.id;
    expect(r).toMatchObject({ kind: 'drill', openActions: 1 });
    expect(r.actions).toEqual([expect.objectContaining({ owner: '运维组 林工', overdue: false })]);
    expect(r.attachments).toEqual([
      { id: reportId, fileName: '演练总结报告.pdf', mime: 'application/pdf', size: PDF.length },
    ]);
    // The platform administrator reads the same record and its report.
    const file = expectStatus(await send('GET', `/api/security/attachments/${reportId}`, admin), 200);
    expect(file.rawPayload.equals(PDF)).toBe(true);
    // The drill is held; the assessment still is not.
    expect(await yearly('drill')).toMatchObject({ status: 'ok', lastHeldOn: today() });
    expect(await yearly('assessment')).toMatchObject({ status: 'overdue' });
    // Who registered it, in the audit log under the record's title.
    const events = await t.ctx.db
      .selectFrom('audit_event')
      .select(['target_name', 'outcome'])
      .where('action', '=', 'security.register.create')
      .where('target_id', '=', recordId)
      .execute();
    expect(events).toEqual([{ target_name: drill().title, outcome: 'success' }]);
  });

  it('refuses bad input with a clear reason and writes nothing of it', async () => {
    const before = await recordCount();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ heldOn: addDays(today(), 1) }, 400, 'SECURITY_HELD_IN_FUTURE'],
      [{ heldOn: '2026-02-30' }, 400, 'SECURITY_DATE_INVALID'],
      [
        { actions: [{ description: '整改', owner: '张工', dueOn: addDays(today(), -1) }] },
        400,
        'SECURITY_ACTION_DUE_BEFORE_HELD',
      ],
      [{ attachmentIds: ['7d1f7c8e-3c3b-4f4e-9a55-1a2b3c4d5e6f'] }, 400, 'SECURITY_ATTACHMENT_INVALID'],
      // A file already bound to another record, even the uploader's own.
      [{ attachmentIds: [reportId] }, 400, 'SECURITY_ATTACHMENT_INVALID'],
      [{ kind: 'picnic' }, 400, 'VALIDATION_FAILED'],
      [{ title: '' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [over, code, error] of cases) {
      const res = await send('POST', '/api/security/register', security, drill(over));
      expect([res.statusCode, codeOf(res)], JSON.stringify(over)).toEqual([code, error]);
      expect(res.json().error.messageZh).toBeTruthy();
    }
    // Another administrator's upload is theirs to bind, not anybody's.
    const theirs = expectStatus(await upload(admin, '测评报告.pdf'), 201).json<{ id: string }>().id;
    expect(codeOf(await send('POST', '/api/security/register', security, drill({ attachmentIds: [theirs] })))).toBe(
      'SECURITY_ATTACHMENT_INVALID',
    );
    // An unbound upload is readable by its uploader only.
    expect((await send('GET', `/api/security/attachments/${theirs}`, security)).statusCode).toBe(404);
    expectStatus(await send('GET', `/api/security/attachments/${theirs}`, admin), 200);
    // Not a document: refused by its content, whatever its name.
    expect(codeOf(await upload(security, '报告.pdf', Buffer.from('#!/bin/sh\nrm -rf /\n')))).toBe(
      'SECURITY_ATTACHMENT_TYPE',
    );
    expect(await recordCount()).toBe(before);
  });

  it('closes a follow-up action once, and flags one past its day on the to-do home', async () => {
    const second = expectStatus(
      await send('POST', `/api/security/register/${recordId}/actions`, admin, {
        description: '补充演练脚本中的日志留存核查',
        owner: '安全组 钱工',
        dueOn: addDays(today(), 5),
      }),
      201,
    ).json<{ id: string }>();
    expect((await status()).openActions).toBe(2);
    t.clock.advance(7 * DAY);
    await signInAgain(t, security);
    expect((await status()).overdueActions).toBe(1);
    expect(await todoKinds(security)).toContainEqual(
      expect.objectContaining({ kind: 'security.action.overdue', total: 1, overdue: 1 }),
    );
    const overdueOnly = expectStatus(await send('GET', '/api/security/register?openActions=true', security), 200).json<{
      items: Array<{ id: string; overdueActions: number }>;
    }>();
    expect(overdueOnly.items).toEqual([expect.objectContaining({ id: recordId, overdueActions: 1 })]);

    const closed = expectStatus(
      await send('POST', `/api/security/register/actions/${second.id}/complete`, security, { note: '已补充并复核' }),
      200,
    ).json();
    expect(closed).toMatchObject({ doneNote: '已补充并复核', overdue: false });
    expect(codeOf(await send('POST', `/api/security/register/actions/${second.id}/complete`, security, {}))).toBe(
      'SECURITY_ACTION_DONE',
    );
    expectStatus(await send('POST', `/api/security/register/actions/${actionId}/complete`, security, {}), 200);
    const s = await status();
    expect([s.openActions, s.overdueActions]).toEqual([0, 0]);
    expect((await todoKinds(security)).map((g) => g.kind)).toEqual(['security.yearly']);
  });

  it('corrects a record and adds files, but keeps deadlines after the day held', async () => {
    const r = expectStatus(await send('GET', `/api/security/register/${recordId}`, security), 200).json<{
      heldOn: string;
      actions: Array<{ dueOn: string }>;
    }>();
    const fields = { ...drill(), actions: undefined, heldOn: r.heldOn };
    const later = addDays(r.actions[0]!.dueOn, 1);
    expect(
      codeOf(await send('PUT', `/api/security/register/${recordId}`, security, { ...fields, heldOn: later })),
    ).toBe('SECURITY_ACTION_DUE_BEFORE_HELD');
    const minutes = expectStatus(await upload(security, '演练记录.pdf'), 201).json<{ id: string }>().id;
    const updated = expectStatus(
      await send('PUT', `/api/security/register/${recordId}`, security, {
        ...fields,
        conclusion: '达到预期',
        attachmentIds: [minutes],
      }),
      200,
    ).json<{ conclusion: string; attachments: unknown[]; updatedByName: string }>();
    expect(updated.conclusion).toBe('达到预期');
    expect(updated.attachments).toHaveLength(2);
  });

  it('lists by kind and words, newest first, a page at a time', async () => {
    for (const [kind, title] of [
      ['assessment', '共享交换平台等保三级测评'],
      ['inspection', '市委保密办保密检查'],
      ['security_review', '企业登记信息开放安全审查'],
    ] as const) {
      expectStatus(await send('POST', '/api/security/register', admin, drill({ kind, title, actions: [] })), 201);
    }
    const all = expectStatus(await send('GET', '/api/security/register?pageSize=2', security), 200).json<{
      items: unknown[];
      total: number;
    }>();
    expect([all.items.length, all.total]).toEqual([2, 4]);
    const byKind = expectStatus(await send('GET', '/api/security/register?kind=inspection', security), 200).json<{
      items: Array<{ title: string }>;
    }>();
    expect(byKind.items.map((r) => r.title)).toEqual(['市委保密办保密检查']);
    const byWords = expectStatus(
      await send('GET', `/api/security/register?q=${encodeURIComponent('等保')}`, security),
      200,
    ).json<{ items: Array<{ title: string }> }>();
    expect(byWords.items.map((r) => r.title)).toEqual(['共享交换平台等保三级测评']);
    // The assessment is held now too: nothing yearly is due.
    expect((await status()).yearly.map((y) => y.status)).toEqual(['ok', 'ok']);
    expect(await todoKinds(security)).toEqual([]);
  });

  it('reminds again as a year since the last drill comes near, and when it has passed', async () => {
    const held = (await yearly('drill')).lastHeldOn!;
    t.clock.advance(340 * DAY);
    await signInAgain(t, security);
    expect(await yearly('drill')).toMatchObject({ status: 'due_soon', lastHeldOn: held });
    expect(await todoKinds(security)).toContainEqual(
      expect.objectContaining({ kind: 'security.yearly', total: 2, overdue: 0 }),
    );
    t.clock.advance(30 * DAY);
    await signInAgain(t, security);
    expect(await yearly('drill')).toMatchObject({ status: 'overdue' });
  });
});
