import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { publishDueVersions } from '../../src/server/modules/catalog/changes-service';
import {
  approveVersion,
  catalogDepartment,
  entryInput,
  expectStatus,
  item,
  platformAdmin,
  publishedEntry,
  sessionsOf,
  signInAgain,
  type CatalogDepartment,
  type Session,
} from './factory';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
});
afterAll(() => t.close());

const DAY = 86_400_000;
const get = (url: string, s: Session) => t.inject({ method: 'GET', url, headers: s.headers });
const post = (url: string, s: Session, payload?: object) =>
  t.inject({ method: 'POST', url, headers: s.headers, ...(payload ? { payload } : {}) });
const patch = (url: string, s: Session, payload: object) =>
  t.inject({ method: 'PATCH', url, headers: s.headers, payload });
const kindsIn = async (s: Session) =>
  (
    expectStatus(await get('/api/inbox', s), 200).json().items as Array<{
      kind: string;
      title: string;
      body: string | null;
    }>
  ).filter((n) => n.kind.startsWith('catalog.change'));

/** A published entry with three items, and a consumer department subscribed to it. */
async function subscribedEntry() {
  const { entry, version, provider } = await publishedEntry(t, {
    name: '社会保险参保信息',
    items: [
      item({ name: '姓名', fieldName: 'person_name', length: 50 }),
      item({ name: '参保状态', fieldName: 'status', length: 2 }),
      item({ name: '缴费基数', fieldName: 'base', dataType: 'Y', length: 12 }),
    ],
  });
  const consumer = await catalogDepartment(t);
  expect(expectStatus(await post(`/api/catalog/entries/${entry.id}/subscription`, consumer.user), 200).json()).toEqual({
    subscribed: true,
  });
  return { entry, version, provider, consumer };
}

async function startChange(entryId: string, provider: CatalogDepartment) {
  return expectStatus(await post(`/api/catalog/entries/${entryId}/changes`, provider.specialist), 201).json();
}

describe('subscriptions', () => {
  it('subscribes a department through its users and lists them', async () => {
    const { entry, consumer } = await subscribedEntry();
    expect((await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json().subscribed).toBe(true);
    const list = expectStatus(await get('/api/catalog/subscriptions', consumer.specialist), 200).json();
    expect(list).toMatchObject([
      {
        entryId: entry.id,
        code: entry.code,
        name: '社会保险参保信息',
        userId: consumer.user.id,
        mine: false,
        entryStatus: 'published',
      },
    ]);
    expectStatus(
      await t.inject({
        method: 'DELETE',
        url: `/api/catalog/entries/${entry.id}/subscription`,
        headers: consumer.user.headers,
      }),
      200,
    );
    expect(expectStatus(await get('/api/catalog/subscriptions', consumer.user), 200).json()).toEqual([]);
    const noDept = await post(`/api/catalog/entries/${entry.id}/subscription`, admin);
    expect(noDept.json().error.code).toBe('CATALOG_DEPARTMENT_REQUIRED');
  });
});

describe('changes (R-07, Art 9)', () => {
  it('publishes a change without consumer impact on platform approval, recording the decision', async () => {
    const { entry, version: v1, provider, consumer } = await subscribedEntry();
    const draft = await startChange(entry.id, provider);
    expect(draft).toMatchObject({
      versionNo: 2,
      changeKind: 'update',
      status: 'draft',
      name: v1.name,
      code: entry.code,
    });
    expect(draft.items.map((i: { name: string }) => i.name)).toEqual(['姓名', '参保状态', '缴费基数']);
    expectStatus(
      await patch(`/api/catalog/versions/${draft.id}`, provider.specialist, {
        summary: '补充说明',
        items: [
          ...draft.items.map(({ id: _i, position: _p, ...rest }: Record<string, unknown>) => rest),
          item({ name: '参保日期', dataType: 'D', length: null }),
        ],
        changeNote: '新增参保日期',
      }),
      200,
    );

    const v2 = await approveVersion(t, draft.id, provider);
    expect(v2).toMatchObject({
      status: 'published',
      changeNote: '新增参保日期',
      impact: { impacting: false, changes: [] },
    });
    const detail = (await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json();
    expect(detail).toMatchObject({ currentVersionId: draft.id, pendingNotice: null, current: { summary: '补充说明' } });
    expect(detail.current.items).toHaveLength(4);
    expect((await get(`/api/catalog/versions/${v1.id}`, consumer.user)).json()).toMatchObject({
      status: 'superseded',
      summary: v1.summary,
    });
    expect(await kindsIn(consumer.user)).toEqual([]);
    const history = (await get(`/api/catalog/entries/${entry.id}/versions`, consumer.user)).json();
    expect(history.map((v: { versionNo: number; status: string }) => `${v.versionNo}:${v.status}`)).toEqual([
      '1:superseded',
      '2:published',
    ]);
  });

  it('announces an impacting change to subscribers and publishes it one calendar month later', async () => {
    // A fixed date later than any other test's clock, so the dates below read plainly.
    t.clock.set(new Date('2027-03-10T02:00:00Z'));
    await signInAgain(t);
    const { entry, version: v1, provider, consumer } = await subscribedEntry();
    const bystander = await catalogDepartment(t);
    const draft = await startChange(entry.id, provider);
    const kept = draft.items
      .filter((i: { name: string }) => i.name !== '缴费基数')
      .map(({ id: _i, position: _p, ...rest }: Record<string, unknown>) => rest);
    expectStatus(await patch(`/api/catalog/versions/${draft.id}`, provider.specialist, { items: kept }), 200);
    expect((await post(`/api/catalog/entries/${entry.id}/changes`, provider.specialist)).json().error.code).toBe(
      'CATALOG_CHANGE_IN_PROGRESS',
    );

    const scheduled = await approveVersion(t, draft.id, provider);
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      approvedAt: '2027-03-10T02:00:00.000Z',
      effectiveAt: '2027-04-10T02:00:00.000Z',
      publishedAt: null,
    });
    expect(scheduled.impact).toMatchObject({
      impacting: true,
      changes: [{ kind: 'item_removed', item: '缴费基数', messageZh: '信息项“缴费基数”被删除' }],
    });

    // Consumers see the notice and the old version, which still applies.
    const seen = (await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json();
    expect(seen).toMatchObject({
      currentVersionId: v1.id,
      pending: null,
      pendingNotice: { versionId: draft.id, effectiveAt: '2027-04-10T02:00:00.000Z', status: 'pending', recipients: 2 },
    });
    for (const s of [consumer.user, consumer.specialist]) {
      const notes = await kindsIn(s);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ kind: 'catalog.change.notice', body: '信息项“缴费基数”被删除' });
      expect(notes[0]!.title).toContain('2027-04-10');
    }
    expect(await kindsIn(bystander.user)).toEqual([]);
    expect((await get(`/api/catalog/entries/${entry.id}`, provider.specialist)).json().pending).toMatchObject({
      id: draft.id,
      status: 'scheduled',
    });

    expect(await publishDueVersions(t.ctx)).toBe(0);
    t.clock.advance(31 * DAY - 60_000);
    await signInAgain(t, ...sessionsOf(provider, consumer));
    expect(await publishDueVersions(t.ctx)).toBe(0);
    expect((await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json().currentVersionId).toBe(v1.id);
    t.clock.advance(60_000);
    await signInAgain(t, ...sessionsOf(provider, consumer));
    expect(await publishDueVersions(t.ctx)).toBe(1);
    expect(await publishDueVersions(t.ctx)).toBe(0);

    const after = (await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json();
    expect(after).toMatchObject({
      status: 'published',
      currentVersionId: draft.id,
      pendingNotice: null,
      current: { status: 'published', publishedAt: '2027-04-10T02:00:00.000Z' },
    });
    expect(after.current.items.map((i: { name: string }) => i.name)).toEqual(['姓名', '参保状态']);
    const old = (await get(`/api/catalog/versions/${v1.id}`, consumer.user)).json();
    expect(old).toMatchObject({ status: 'superseded' });
    expect(old.items.map((i: { name: string }) => i.name)).toContain('缴费基数');
    expect((await kindsIn(consumer.user)).map((n) => n.kind)).toContain('catalog.change.effective');
    const notice = await t.ctx.db
      .selectFrom('catalog_change_notice')
      .select(['status', 'recipients'])
      .where('version_id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(notice).toEqual({ status: 'effective', recipients: 2 });
    // Published by the job runner, not by a request: audited under the system operator.
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select(['username', 'category', 'action', 'target_id', 'outcome'])
      .where('target_id', '=', draft.id)
      .where('username', '=', 'job-runner')
      .execute();
    expect(audited).toEqual([
      {
        username: 'job-runner',
        category: 'maintain',
        action: 'catalog.version.publish.effective',
        target_id: draft.id,
        outcome: 'success',
      },
    ]);
  });

  it('deletes an entry the same way; its code is never handed out again', async () => {
    const { entry, version: v1, provider, consumer } = await subscribedEntry();
    expect(
      (await post(`/api/catalog/entries/${entry.id}/deletion`, provider.specialist, { reason: '   ' })).json().error
        .code,
    ).toBe('CATALOG_DELETION_REASON_REQUIRED');
    const del = expectStatus(
      await post(`/api/catalog/entries/${entry.id}/deletion`, provider.specialist, { reason: '该业务已停止办理' }),
      201,
    ).json();
    expect(del).toMatchObject({
      changeKind: 'delete',
      status: 'dept_review',
      changeNote: '该业务已停止办理',
      versionNo: 2,
    });
    expect((await patch(`/api/catalog/versions/${del.id}`, provider.specialist, { name: 'x' })).statusCode).toBe(409);

    const scheduled = await approveVersion(t, del.id, provider, { submit: false });
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      impact: { impacting: true, changes: [{ kind: 'deletion' }] },
    });
    expect((await kindsIn(consumer.specialist))[0]!.title).toContain('删除');

    t.clock.advance(31 * DAY);
    await signInAgain(t, ...sessionsOf(provider, consumer));
    expect(await publishDueVersions(t.ctx)).toBe(1);
    const gone = (await get(`/api/catalog/entries/${entry.id}`, consumer.user)).json();
    expect(gone).toMatchObject({ status: 'deleted', code: entry.code, currentVersionId: del.id });
    expect((await get(`/api/catalog/versions/${v1.id}`, consumer.user)).json().status).toBe('superseded');
    expect((await post(`/api/catalog/entries/${entry.id}/changes`, provider.specialist)).json().error.code).toBe(
      'CATALOG_ENTRY_NOT_PUBLISHED',
    );
    expect((await post(`/api/catalog/entries/${entry.id}/subscription`, consumer.user)).statusCode).toBe(409);

    const fresh = expectStatus(
      await post('/api/catalog/entries', provider.specialist, entryInput({ classCode: entry.classCode })),
      201,
    ).json();
    expect(fresh.code).not.toBe(entry.code);
    expect(Number(fresh.code.split('/')[1])).toBeGreaterThan(Number(entry.code.split('/')[1]));
  });

  it('lets the department withdraw a returned change and start another', async () => {
    const { entry, provider } = await publishedEntry(t);
    const draft = await startChange(entry.id, provider);
    expectStatus(await post(`/api/catalog/versions/${draft.id}/submit`, provider.specialist), 200);
    expectStatus(
      await post(`/api/catalog/versions/${draft.id}/dept-review`, provider.leader, {
        decision: 'reject',
        reason: '暂不变更',
      }),
      200,
    );
    expect(
      expectStatus(await post(`/api/catalog/versions/${draft.id}/withdraw`, provider.specialist), 200).json().status,
    ).toBe('withdrawn');
    const again = await startChange(entry.id, provider);
    expect(again.versionNo).toBe(3);
    const { entry: e2, version: first, provider: p2 } = await publishedEntry(t);
    expect((await post(`/api/catalog/versions/${first.id}/withdraw`, p2.specialist)).json().error.code).toBe(
      'CATALOG_VERSION_NOT_WITHDRAWABLE',
    );
    expect(e2.status).toBe('published');
  });
});

describe('version diff over the API', () => {
  it('compares a change with the published version before it, or with any version of the entry', async () => {
    const {
      entry,
      version: v1,
      provider,
    } = await publishedEntry(t, {
      name: '公交线路站点',
      items: [
        item({ name: '线路名称', fieldName: 'line', length: 50 }),
        item({ name: '站点名称', fieldName: 'stop', length: 50 }),
      ],
    });
    const draft = await startChange(entry.id, provider);
    expectStatus(
      await patch(`/api/catalog/versions/${draft.id}`, provider.specialist, {
        name: '公交线路及站点',
        items: [
          { name: '线路编号', fieldName: 'line', dataType: 'C', length: 20 },
          { name: '站点经纬度', dataType: 'G' },
        ],
      }),
      200,
    );
    const d = expectStatus(await get(`/api/catalog/versions/${draft.id}/diff`, provider.specialist), 200).json();
    expect(d).toMatchObject({ from: { id: v1.id, versionNo: 1 }, to: { id: draft.id, versionNo: 2 } });
    expect(d.fields).toEqual([{ field: 'name', before: '公交线路站点', after: '公交线路及站点' }]);
    expect(d.items).toEqual({
      added: [{ name: '站点经纬度', fieldName: null }],
      removed: [{ name: '站点名称', fieldName: 'stop' }],
      changed: [
        {
          name: '线路编号',
          previousName: '线路名称',
          changes: [
            { field: 'name', before: '线路名称', after: '线路编号' },
            { field: 'length', before: 50, after: 20 },
          ],
        },
      ],
    });
    const reverse = expectStatus(
      await get(`/api/catalog/versions/${v1.id}/diff?against=${draft.id}`, provider.specialist),
      200,
    ).json();
    expect(reverse.items.added).toEqual([{ name: '站点名称', fieldName: 'stop' }]);
    expect((await get(`/api/catalog/versions/${v1.id}/diff`, provider.specialist)).json().error.code).toBe(
      'CATALOG_DIFF_NO_BASE',
    );
    const other = await publishedEntry(t);
    expect(
      (await get(`/api/catalog/versions/${draft.id}/diff?against=${other.version.id}`, provider.specialist)).json()
        .error.code,
    ).toBe('CATALOG_DIFF_OTHER_ENTRY');
  });
});
