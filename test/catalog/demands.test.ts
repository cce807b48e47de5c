import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { runDueJobs } from '../../src/server/platform/jobs/service';
import { registerBackgroundWork } from '../../src/server/compose';
import {
  BASIS,
  approveVersion,
  catalogDepartment,
  draftEntry,
  expectStatus,
  platformAdmin,
  publishedEntry,
  type CatalogDepartment,
  type Session,
} from './factory';

let t: TestApp;
type Headers = { cookie: string };
let requester: CatalogDepartment;
let second: CatalogDepartment;
let provider: CatalogDepartment;
let requesterUser: Headers;
let secondUser: Headers;
let providerSpecialist: Headers;
let admin: Headers;
const signedIn: Session[] = [];

/** A new version of a published entry with `patch`, taken through review to publication. */
async function change(entryId: string, dept: CatalogDepartment, patch: object) {
  const v = expectStatus(
    await post(`/api/catalog/entries/${entryId}/changes`, dept.specialist.headers, {}),
    201,
  ).json();
  expectStatus(
    await t.inject({
      method: 'PATCH',
      url: `/api/catalog/versions/${v.id}`,
      headers: dept.specialist.headers,
      payload: patch,
    }),
    200,
  );
  await approveVersion(t, v.id, dept);
}

const post = (url: string, headers: Headers, payload: object) => t.inject({ method: 'POST', url, headers, payload });
const get = (url: string, headers: Headers) => t.inject({ method: 'GET', url, headers });
async function inbox(
  h: Headers,
): Promise<Array<{ kind: string; title: string; body: string | null; link: string | null }>> {
  return (await get('/api/inbox?pageSize=100', h)).json().items;
}
const demand = async (h: Headers, title: string, extra: object = {}) => {
  const res = await post('/api/catalog/demands', h, {
    title,
    description: `需要${title}用于业务办理`,
    reason: '一网通办减少群众提交材料',
    ...extra,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; status: string };
};
const responsibility = (payload: object) =>
  post('/api/catalog/responsibilities', admin, {
    kind: 'catalog',
    description: '编制并发布所需目录',
    dueDate: '2026-12-31',
    ...payload,
  });

beforeAll(async () => {
  t = await testApp();
  [requester, second, provider] = await Promise.all([catalogDepartment(t), catalogDepartment(t), catalogDepartment(t)]);
  const a = await platformAdmin(t);
  signedIn.push(a, ...[requester, second, provider].flatMap((d) => [d.specialist, d.leader, d.user]));
  requesterUser = requester.user.headers;
  secondUser = second.specialist.headers;
  providerSpecialist = provider.specialist.headers;
  admin = a.headers;
});
afterAll(() => t.close());

describe('demands (R-09)', () => {
  it('lets a department file a demand that the platform sees and other departments do not', async () => {
    const wanted = (await publishedEntry(t, { provider, name: '户籍人口基本信息', shareType: 'conditional' })).entry.id;
    const d = await demand(requesterUser, '户籍人口基本信息共享', { wantedEntryId: wanted });
    expect(d).toMatchObject({
      status: 'submitted',
      requesterDepartmentName: requester.name,
      wantedProviderDepartmentId: provider.id,
      wantedEntryName: '户籍人口基本信息',
      responsibility: null,
    });
    expect(
      (await inbox(admin)).some(
        (n) => n.title === '收到共享需求：户籍人口基本信息共享' && n.link === '/console/catalog/demands',
      ),
    ).toBe(true);

    const ids = (h: Headers) =>
      get('/api/catalog/demands?pageSize=200', h).then((r) => r.json().items.map((x: { id: string }) => x.id));
    expect(await ids(requesterUser)).toContain(d.id);
    expect(await ids(secondUser)).not.toContain(d.id);
    expect(await ids(admin)).toContain(d.id);

    const bad = await post('/api/catalog/demands', requesterUser, {
      title: 'x',
      description: 'y',
      reason: 'z',
      wantedProviderDepartmentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems[0].field).toBe('wantedProviderDepartmentId');
    const mismatch = await post('/api/catalog/demands', requesterUser, {
      title: 'x',
      description: 'y',
      reason: 'z',
      wantedProviderDepartmentId: second.id,
      wantedEntryId: wanted,
    });
    expect(mismatch.json().error.code).toBe('DEMAND_ENTRY_PROVIDER_MISMATCH');
    expect((await post('/api/catalog/demands', admin, { title: 'x', description: 'y', reason: 'z' })).statusCode).toBe(
      403,
    );
  });

  it('aggregates demands into a responsibility item and tells the provider and the requesters', async () => {
    const d1 = await demand(requesterUser, '参保人员户籍核验');
    const d2 = await demand(secondUser, '低保对象户籍核验');
    const res = await responsibility({
      providerDepartmentId: provider.id,
      kind: 'share',
      description: '共享户籍核验接口',
      dueDate: '2026-12-15',
      demandIds: [d1.id, d2.id],
    });
    expect(res.statusCode).toBe(201);
    const item = res.json();
    expect(item).toMatchObject({
      status: 'open',
      kind: 'share',
      providerDepartmentName: provider.name,
      dueAt: '2026-12-15T15:59:59.999Z',
      overdue: false,
      entryId: null,
    });
    expect(item.demands.map((x: { id: string; status: string }) => [x.id, x.status]).sort()).toEqual(
      [
        [d1.id, 'assigned'],
        [d2.id, 'assigned'],
      ].sort(),
    );

    expect(
      (await inbox(providerSpecialist)).some(
        (n) => n.title === '责任清单新增共享事项' && n.body?.includes('2026-12-15'),
      ),
    ).toBe(true);
    expect(
      (await inbox(requesterUser)).some((n) => n.title === '共享需求已纳入责任清单' && n.body?.includes(provider.name)),
    ).toBe(true);
    expect((await inbox(secondUser)).some((n) => n.title === '共享需求已纳入责任清单')).toBe(true);

    // The requester follows its demand; the 责任清单 is the provider's (and the platform's).
    const mine = (await get('/api/catalog/demands?status=assigned', requesterUser)).json();
    expect(mine.items.find((x: { id: string }) => x.id === d1.id).responsibility).toMatchObject({
      id: item.id,
      providerDepartmentName: provider.name,
      status: 'open',
    });
    expect(
      (await get('/api/catalog/responsibilities', providerSpecialist)).json().items.map((x: { id: string }) => x.id),
    ).toContain(item.id);
    expect((await get('/api/catalog/responsibilities', requesterUser)).json().total).toBe(0);
    expect(
      (await get(`/api/catalog/responsibilities?providerDepartmentId=${provider.id}`, admin))
        .json()
        .items.map((x: { id: string }) => x.id),
    ).toContain(item.id);

    // A demand goes into one item only.
    const again = await responsibility({ providerDepartmentId: second.id, demandIds: [d1.id] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('DEMAND_NOT_OPEN');
    expect(
      (await responsibility({ providerDepartmentId: provider.id, demandIds: [], dueDate: '2026-11-01' })).json().error
        .code,
    ).toBe('RESPONSIBILITY_DUE_PAST');
    expect(
      (
        await post('/api/catalog/responsibilities', providerSpecialist, {
          providerDepartmentId: provider.id,
          kind: 'catalog',
          description: 'x',
          dueDate: '2026-12-31',
          demandIds: [],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('fulfils an item and its demands when the provider publishes the linked entry', async () => {
    const d = await demand(requesterUser, '出生医学证明信息');
    const item = (
      await responsibility({
        providerDepartmentId: provider.id,
        kind: 'catalog',
        description: '编制出生医学证明目录',
        demandIds: [d.id],
      })
    ).json();
    const { entry: drafted, version } = await draftEntry(t, { provider, name: '出生医学证明信息' });
    const draft = drafted.id;

    // Only the responsible department links, and only its own entries.
    const foreign = (await publishedEntry(t, { provider: second, name: '民政婚姻登记信息' })).entry.id;
    expect(
      (await post(`/api/catalog/responsibilities/${item.id}/link`, secondUser, { entryId: foreign })).statusCode,
    ).toBe(404);
    expect(
      (await post(`/api/catalog/responsibilities/${item.id}/link`, providerSpecialist, { entryId: foreign })).json()
        .error.code,
    ).toBe('RESPONSIBILITY_ENTRY_OTHER_PROVIDER');
    const linked = await post(`/api/catalog/responsibilities/${item.id}/link`, providerSpecialist, { entryId: draft });
    expect(linked.json()).toMatchObject({ status: 'open', entryId: draft, entryName: '出生医学证明信息' });
    expect(
      (await inbox(admin)).some(
        (n) => n.title === '责任事项已关联目录：出生医学证明信息' && n.body?.includes('编制出生医学证明目录'),
      ),
    ).toBe(true);

    // Publication through the real review flow.
    await approveVersion(t, version.id, provider);
    const after = (await get('/api/catalog/responsibilities?status=fulfilled', providerSpecialist))
      .json()
      .items.find((x: { id: string }) => x.id === item.id);
    expect(after).toMatchObject({ status: 'fulfilled', fulfilledAt: t.clock.now().toISOString(), overdue: false });
    expect(after.demands[0].status).toBe('fulfilled');
    const told = (await inbox(requesterUser)).filter((n) => n.title === '共享需求已满足：出生医学证明信息');
    expect(told).toHaveLength(1);
    expect(told[0]?.link).toBe(`/console/catalog/entries/${draft}`);

    // A later publication of the same entry changes nothing and tells no one again.
    await change(draft, provider, { summary: '新增了签发机构字段说明' });
    expect((await inbox(requesterUser)).filter((n) => n.title === '共享需求已满足：出生医学证明信息')).toHaveLength(1);
  });

  it('fulfils at once when the linked entry is already published, if it does what the item asks', async () => {
    const d = await demand(secondUser, '常住人口数据');
    const item = (
      await responsibility({
        providerDepartmentId: provider.id,
        kind: 'share',
        description: '共享常住人口数据',
        demandIds: [d.id],
      })
    ).json();
    // 不予共享 does not fulfil a duty to share; a later version that shares it does.
    const closed = (await publishedEntry(t, { provider, name: '常住人口信息', shareType: 'none' })).entry.id;
    expect(
      (await post(`/api/catalog/responsibilities/${item.id}/link`, providerSpecialist, { entryId: closed })).json()
        .status,
    ).toBe('open');
    await change(closed, provider, { shareType: 'conditional', shareCondition: BASIS });
    expect(
      (await get('/api/catalog/demands?status=fulfilled', secondUser)).json().items.map((x: { id: string }) => x.id),
    ).toContain(d.id);

    const d2 = await demand(requesterUser, '居民身份证信息');
    const published = (await publishedEntry(t, { provider, name: '居民身份证信息' })).entry.id;
    const item2 = (
      await responsibility({ providerDepartmentId: provider.id, description: '编制身份证目录', demandIds: [d2.id] })
    ).json();
    const res = await post(`/api/catalog/responsibilities/${item2.id}/link`, providerSpecialist, {
      entryId: published,
    });
    expect(res.json()).toMatchObject({ status: 'fulfilled', entryId: published });
    expect(
      (await post(`/api/catalog/responsibilities/${item2.id}/link`, providerSpecialist, { entryId: published })).json()
        .error.code,
    ).toBe('RESPONSIBILITY_NOT_OPEN');
  });

  it('flags items still open after their deadline', async () => {
    const item = (
      await responsibility({
        providerDepartmentId: provider.id,
        description: '编制交通违法目录',
        dueDate: '2026-11-30',
        demandIds: [],
      })
    ).json();
    const overdueIds = async () =>
      (await get('/api/catalog/responsibilities?overdue=true&pageSize=200', providerSpecialist))
        .json()
        .items.map((x: { id: string }) => x.id);
    expect(await overdueIds()).not.toContain(item.id);
    // The deadline is the end of 30 Nov in Shanghai: still due at 23:59 that day, overdue a minute later.
    t.clock.set(new Date('2026-11-30T15:59:00Z'));
    for (const s of signedIn) s.headers.cookie = (await t.login(s.username)).cookie;
    expect(await overdueIds()).not.toContain(item.id);
    t.clock.set(new Date('2026-11-30T16:01:00Z'));
    for (const s of signedIn) s.headers.cookie = (await t.login(s.username)).cookie;
    expect(await overdueIds()).toContain(item.id);
    // The reminder set when the item was created fires now, once.
    registerBackgroundWork();
    while ((await runDueJobs(t.ctx, 'test-worker')).claimed > 0);
    await runDueJobs(t.ctx, 'test-worker');
    expect(
      (await inbox(providerSpecialist)).filter((n) => n.title === '责任清单事项已逾期：编制交通违法目录'),
    ).toHaveLength(1);
    expect((await inbox(provider.leader.headers)).some((n) => n.title === '责任清单事项已逾期：编制交通违法目录')).toBe(
      true,
    );
    expect((await inbox(providerSpecialist)).some((n) => n.title === '责任清单事项已逾期：共享户籍核验接口')).toBe(
      false,
    );
    const all = (await get('/api/catalog/responsibilities?pageSize=200', admin)).json().items;
    expect(all.find((x: { id: string }) => x.id === item.id).overdue).toBe(true);
  });

  it('lets the platform decline a demand with a reason the requester reads', async () => {
    const d = await demand(requesterUser, '全市企业用电数据');
    expect((await post(`/api/catalog/demands/${d.id}/reject`, requesterUser, { reason: '自己驳回' })).statusCode).toBe(
      403,
    );
    const res = await post(`/api/catalog/demands/${d.id}/reject`, admin, {
      reason: '该数据由供电公司掌握，不属于政务信息资源',
    });
    expect(res.json()).toMatchObject({ status: 'rejected', adminNote: '该数据由供电公司掌握，不属于政务信息资源' });
    expect((await inbox(requesterUser)).find((n) => n.title === '共享需求未予受理：全市企业用电数据')?.body).toContain(
      '供电公司',
    );
    expect((await post(`/api/catalog/demands/${d.id}/reject`, admin, { reason: '再次驳回' })).json().error.code).toBe(
      'DEMAND_NOT_SUBMITTED',
    );
    expect((await responsibility({ providerDepartmentId: provider.id, demandIds: [d.id] })).json().error.code).toBe(
      'DEMAND_NOT_OPEN',
    );
  });
});
