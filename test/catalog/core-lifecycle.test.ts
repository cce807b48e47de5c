import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../helpers/app';
import {
  approveVersion,
  catalogDepartment,
  draftEntry,
  expectStatus,
  platformAdmin,
  publishedEntry,
  session,
  type Session,
} from './factory';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
});
afterAll(() => t.close());

const get = (url: string, s: Session) => t.inject({ method: 'GET', url, headers: s.headers });
const post = (url: string, s: Session, payload?: object) =>
  t.inject({ method: 'POST', url, headers: s.headers, ...(payload ? { payload } : {}) });
const patch = (url: string, s: Session, payload: object) =>
  t.inject({ method: 'PATCH', url, headers: s.headers, payload });
const inbox = async (s: Session) =>
  expectStatus(await get('/api/inbox', s), 200).json().items as Array<{
    kind: string;
    title: string;
    body: string | null;
    link: string;
  }>;

describe('catalog lifecycle (R-03)', () => {
  it('goes specialist → department reviewer → platform admin → published, recording every decision', async () => {
    const { entry, version, provider } = await draftEntry(t, { name: '企业登记信息' });
    expect(entry).toMatchObject({
      status: 'draft',
      currentVersionId: null,
      current: null,
      portals: ['share'],
      providerDepartmentId: provider.id,
    });
    expect(version).toMatchObject({ status: 'draft', versionNo: 1, name: '企业登记信息', shareType: 'unconditional' });
    const mine = expectStatus(await get('/api/catalog/mine', provider.specialist), 200).json();
    expect(mine.items).toMatchObject([{ entryId: entry.id, versionId: version.id, status: 'draft', code: entry.code }]);

    const submitted = expectStatus(
      await post(`/api/catalog/versions/${version.id}/submit`, provider.specialist),
      200,
    ).json();
    expect(submitted.status).toBe('dept_review');
    expect(await inbox(provider.leader)).toContainEqual(
      expect.objectContaining({ kind: 'catalog.review.requested', link: `/console/catalog/entries/${entry.id}` }),
    );
    const deptQueue = expectStatus(await get('/api/catalog/review-queue?step=dept', provider.leader), 200).json();
    expect(deptQueue.items.map((r: { versionId: string }) => r.versionId)).toEqual([version.id]);

    const deptOk = expectStatus(
      await post(`/api/catalog/versions/${version.id}/dept-review`, provider.leader, { decision: 'approve' }),
      200,
    ).json();
    expect(deptOk.status).toBe('platform_review');
    expect(
      (await inbox(admin)).some((n) => n.kind === 'catalog.review.requested' && n.title.includes('企业登记信息')),
    ).toBe(true);
    const platformQueue = expectStatus(await get('/api/catalog/review-queue?step=platform', admin), 200).json();
    expect(platformQueue.items.map((r: { versionId: string }) => r.versionId)).toContain(version.id);

    const published = expectStatus(
      await post(`/api/catalog/versions/${version.id}/platform-review`, admin, {
        decision: 'approve',
        reason: '符合编制规范',
      }),
      200,
    ).json();
    expect(published).toMatchObject({ status: 'published', publishedAt: t.clock.now().toISOString() });

    const detail = expectStatus(await get(`/api/catalog/entries/${entry.id}`, provider.user), 200).json();
    expect(detail).toMatchObject({
      status: 'published',
      currentVersionId: version.id,
      pending: null,
      current: { id: version.id, status: 'published' },
    });
    expect(await inbox(provider.specialist)).toContainEqual(expect.objectContaining({ kind: 'catalog.published' }));

    const history = expectStatus(await get(`/api/catalog/entries/${entry.id}/versions`, provider.user), 200).json();
    expect(history).toHaveLength(1);
    expect(history[0].reviews).toMatchObject([
      { step: 'dept', decision: 'approve', actorId: provider.leader.id, reason: null },
      { step: 'platform', decision: 'approve', actorId: admin.id, reason: '符合编制规范' },
    ]);
    // The search document weighs the name (A) over item names and descriptions (B) over the summary (C).
    const doc = await sql<{ a: boolean; b: boolean; c: boolean; wrong: boolean }>`
      select search_doc @@ to_tsquery('simple', '登记:A') as a, search_doc @@ to_tsquery('simple', '代码:B') as b,
             search_doc @@ to_tsquery('simple', '摘要:C') as c, search_doc @@ to_tsquery('simple', '摘要:A') as wrong
      from catalog_entry_version where id = ${version.id}`.execute(t.ctx.db);
    expect(doc.rows[0]).toEqual({ a: true, b: true, c: true, wrong: false });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'category', 'target_id'])
      .where('target_id', '=', version.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['catalog.version.submit', 'catalog.review.dept', 'catalog.review.platform']),
    );
    expect(audit.every((a) => a.category === 'maintain')).toBe(true);
  });

  it('returns a version with a reason at either step; the specialist sees it, edits and resubmits', async () => {
    const { entry, version, provider } = await draftEntry(t);
    const url = `/api/catalog/versions/${version.id}`;
    expectStatus(await post(`${url}/submit`, provider.specialist), 200);
    const noReason = await post(`${url}/dept-review`, provider.leader, { decision: 'reject', reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toMatchObject({
      code: 'CATALOG_REJECT_REASON_REQUIRED',
      messageZh: '退回须填写理由',
    });

    const back = expectStatus(
      await post(`${url}/dept-review`, provider.leader, { decision: 'reject', reason: '摘要过于简单' }),
      200,
    ).json();
    expect(back).toMatchObject({ status: 'rejected', rejectionReason: '摘要过于简单' });
    const seen = expectStatus(await get(`/api/catalog/entries/${entry.id}`, provider.specialist), 200).json();
    expect(seen.pending).toMatchObject({ status: 'rejected', rejectionReason: '摘要过于简单' });
    expect(await inbox(provider.specialist)).toContainEqual(
      expect.objectContaining({ kind: 'catalog.review.rejected', body: '摘要过于简单' }),
    );
    const rejectedRows = expectStatus(await get('/api/catalog/mine?status=rejected', provider.specialist), 200).json();
    expect(rejectedRows.items).toMatchObject([{ versionId: version.id, rejectionReason: '摘要过于简单' }]);

    const edited = expectStatus(
      await patch(url, provider.specialist, { summary: '全市企业登记的基本信息，含名称、代码、登记日期' }),
      200,
    ).json();
    expect(edited).toMatchObject({
      summary: '全市企业登记的基本信息，含名称、代码、登记日期',
      name: version.name,
      status: 'rejected',
    });
    expect(edited.items).toHaveLength(version.items.length);
    expect(expectStatus(await post(`${url}/submit`, provider.specialist), 200).json()).toMatchObject({
      status: 'dept_review',
      rejectionReason: null,
    });
    expectStatus(await post(`${url}/dept-review`, provider.leader, { decision: 'approve' }), 200);

    const platformBack = expectStatus(
      await post(`${url}/platform-review`, admin, { decision: 'reject', reason: '共享方式应增加服务接口' }),
      200,
    ).json();
    expect(platformBack).toMatchObject({ status: 'rejected', rejectionReason: '共享方式应增加服务接口' });
    expect(
      (await inbox(provider.specialist)).filter((n) => n.kind === 'catalog.review.rejected').map((n) => n.body),
    ).toContain('共享方式应增加服务接口');

    expectStatus(await patch(url, provider.specialist, { shareMethods: ['table', 'api'] }), 200);
    const final = await approveVersion(t, version.id, provider);
    expect(final).toMatchObject({ status: 'published', shareMethods: ['table', 'api'] });
    const history = expectStatus(
      await get(`/api/catalog/entries/${entry.id}/versions`, provider.specialist),
      200,
    ).json();
    expect(history[0].reviews.map((r: { step: string; decision: string }) => `${r.step}:${r.decision}`)).toEqual([
      'dept:reject',
      'dept:approve',
      'platform:reject',
      'dept:approve',
      'platform:approve',
    ]);
  });

  it('edits only drafts and returned versions, keeps the class, and checks the rules on every save', async () => {
    const { version, provider } = await draftEntry(t);
    const url = `/api/catalog/versions/${version.id}`;
    const invalid = await patch(url, provider.specialist, { shareType: 'none' });
    expect(invalid.json().error.details.problems).toMatchObject([
      { field: 'shareCondition', code: 'SHARE_BASIS_REQUIRED' },
    ]);
    const cls = await patch(url, provider.specialist, { classCode: '102' });
    expect(cls.json().error).toMatchObject({ code: 'CATALOG_CLASS_FIXED', details: { field: 'classCode' } });
    const items = expectStatus(
      await patch(url, provider.specialist, { items: [{ name: '企业名称', dataType: 'C', length: 200 }] }),
      200,
    ).json();
    expect(items.items).toMatchObject([{ name: '企业名称', position: 0, shareType: 'unconditional' }]);

    expectStatus(await post(`${url}/submit`, provider.specialist), 200);
    const locked = await patch(url, provider.specialist, { name: '改名' });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error).toMatchObject({
      code: 'CATALOG_VERSION_NOT_EDITABLE',
      messageZh: '只有草稿或已退回的版本可以修改',
    });
    expect((await post(`${url}/submit`, provider.specialist)).json().error.code).toBe(
      'CATALOG_VERSION_NOT_SUBMITTABLE',
    );
    const early = await post(`${url}/platform-review`, admin, { decision: 'approve' });
    expect(early.statusCode).toBe(404); // not yet visible to the platform: still in department review
    expectStatus(await post(`${url}/dept-review`, provider.leader, { decision: 'approve' }), 200);
    const twice = await post(`${url}/dept-review`, provider.leader, { decision: 'approve' });
    expect(twice.json().error).toMatchObject({
      code: 'CATALOG_VERSION_WRONG_STATUS',
      messageZh: '该版本当前不在部门审核环节',
    });
  });

  it('flags open entries for the open portal, others for the sharing portal only (R-06)', async () => {
    const open = await publishedEntry(t, { openType: 'unconditional', openDomains: ['transport'] });
    const shared = await publishedEntry(t, { shareType: 'conditional' });
    expect(open.entry.portals).toEqual(['share', 'open']);
    expect(open.version.portals).toEqual(['share', 'open']);
    expect(shared.entry.portals).toEqual(['share']);
    const rows = expectStatus(await get('/api/catalog/mine', open.provider.specialist), 200).json();
    expect(rows.items[0].portals).toEqual(['share', 'open']);
  });
});

describe('department boundaries', () => {
  it("keeps a department's drafts from every other department and from the platform until platform review", async () => {
    const { entry, version, provider } = await draftEntry(t);
    const other = await catalogDepartment(t);
    const vurl = `/api/catalog/versions/${version.id}`;
    for (const s of [other.specialist, other.leader, other.user, admin]) {
      expect((await get(`/api/catalog/entries/${entry.id}`, s)).statusCode).toBe(404);
      expect((await get(vurl, s)).statusCode).toBe(404);
      expect((await get(`/api/catalog/entries/${entry.id}/versions`, s)).statusCode).toBe(404);
    }
    expect((await get(`/api/catalog/entries/${entry.id}`, provider.user)).json().pending.id).toBe(version.id);
    expect((await patch(vurl, other.specialist, { name: '篡改' })).statusCode).toBe(404);
    expect((await post(`${vurl}/submit`, other.specialist)).statusCode).toBe(404);
    expectStatus(await post(`${vurl}/submit`, provider.specialist), 200);
    expect((await post(`${vurl}/dept-review`, other.leader, { decision: 'approve' })).statusCode).toBe(404);
    expect((await get('/api/catalog/review-queue?step=dept', other.leader)).json().total).toBe(0);
    expect((await get('/api/catalog/mine', other.specialist)).json().total).toBe(0);

    expectStatus(await post(`${vurl}/dept-review`, provider.leader, { decision: 'approve' }), 200);
    expect((await get(`/api/catalog/entries/${entry.id}`, admin)).json().pending).toMatchObject({
      id: version.id,
      status: 'platform_review',
    });
    expect((await get(`/api/catalog/entries/${entry.id}`, other.user)).statusCode).toBe(404);
    expectStatus(await post(`${vurl}/platform-review`, admin, { decision: 'approve' }), 200);

    // Published: everyone reads it; only the provider may change it, and its next draft stays private.
    const seen = expectStatus(await get(`/api/catalog/entries/${entry.id}`, other.user), 200).json();
    expect(seen).toMatchObject({ status: 'published', current: { id: version.id } });
    expect((await post(`/api/catalog/entries/${entry.id}/changes`, other.specialist)).statusCode).toBe(403);
    const change = expectStatus(
      await post(`/api/catalog/entries/${entry.id}/changes`, provider.specialist),
      201,
    ).json();
    expect((await get(`/api/catalog/entries/${entry.id}`, other.user)).json().pending).toBeNull();
    expect((await get(`/api/catalog/versions/${change.id}`, other.user)).statusCode).toBe(404);
    expect(
      (await get(`/api/catalog/entries/${entry.id}/versions`, other.user)).json().map((v: { id: string }) => v.id),
    ).toEqual([version.id]);
  });

  it('gives each step to its role only', async () => {
    const d = await catalogDepartment(t);
    const { version } = await draftEntry(t, { provider: d });
    expect((await post('/api/catalog/entries', d.leader, {})).statusCode).toBe(403);
    expect((await post('/api/catalog/entries', d.user, {})).statusCode).toBe(403);
    expect(
      (await post(`/api/catalog/versions/${version.id}/dept-review`, d.specialist, { decision: 'approve' })).statusCode,
    ).toBe(403);
    expect(
      (await post(`/api/catalog/versions/${version.id}/platform-review`, d.leader, { decision: 'approve' })).statusCode,
    ).toBe(403);
    expect((await get('/api/catalog/review-queue?step=platform', d.leader)).statusCode).toBe(403);
    expect((await get('/api/catalog/review-queue?step=dept', admin)).statusCode).toBe(403);
    expect((await get('/api/catalog/mine', admin)).json()).toMatchObject({ items: [], total: 0 });
    const auditor = await session(t, ['auditor']);
    expect((await get(`/api/catalog/versions/${version.id}`, auditor)).statusCode).toBe(404);
  });
});
