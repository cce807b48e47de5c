import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  draftEntry,
  platformAdmin,
  publishedEntry,
  type CatalogDepartment,
  type Session,
} from './factory';
import { putSetting } from '../../src/server/platform/settings/repo';
import { countOverdueObjections } from '../../src/server/modules/catalog/objections-service';
import { runDueJobs } from '../../src/server/platform/jobs/service';
import { registerBackgroundWork } from '../../src/server/compose';

let t: TestApp;
type Headers = { cookie: string };
let provider: CatalogDepartment;
let raiser: CatalogDepartment;
let other: CatalogDepartment;
let providerSpecialist: Headers;
let raiserUser: Headers;
let raiserSpecialist: Headers;
let otherUser: Headers;
let admin: Headers;
const signedIn: Session[] = [];

const entry = async (dept: CatalogDepartment, name: string) =>
  (await publishedEntry(t, { provider: dept, name })).entry.id;
const post = (url: string, headers: Headers, payload: object) => t.inject({ method: 'POST', url, headers, payload });
const get = (url: string, headers: Headers) => t.inject({ method: 'GET', url, headers });
async function department(): Promise<CatalogDepartment> {
  const d = await catalogDepartment(t);
  signedIn.push(d.specialist, d.leader, d.user);
  return d;
}
/** Moves the clock; sessions have an absolute lifetime, so everyone signs in again afterwards. */
async function advance(ms: number) {
  t.clock.advance(ms);
  for (const s of signedIn) s.headers.cookie = (await t.login(s.username)).cookie;
}
async function inbox(
  h: Headers,
): Promise<Array<{ kind: string; title: string; body: string | null; link: string | null }>> {
  return (await get('/api/inbox?pageSize=100', h)).json().items;
}

beforeAll(async () => {
  t = await testApp();
  [provider, raiser, other] = await Promise.all([department(), department(), department()]);
  providerSpecialist = provider.specialist.headers;
  raiserUser = raiser.user.headers;
  raiserSpecialist = raiser.specialist.headers;
  otherUser = other.user.headers;
  const a = await platformAdmin(t);
  signedIn.push(a);
  admin = a.headers;
});
afterAll(() => t.close());

describe('objections (R-08)', () => {
  it('lets a consumer raise one with a working-day deadline and tells the provider', async () => {
    const entryId = await entry(provider, '企业登记信息');
    // Tuesday 24 Nov 2026, 10:00 in Shanghai: five working days end on Tuesday 1 Dec.
    const res = await post(`/api/catalog/entries/${entryId}/objections`, raiserUser, {
      kind: 'data',
      content: '部分企业的注册地址与实际不符',
    });
    expect(res.statusCode).toBe(201);
    const o = res.json();
    expect(o).toMatchObject({
      entryId,
      entryName: '企业登记信息',
      status: 'open',
      kind: 'data',
      providerDepartmentName: provider.name,
      raisedByDepartmentName: raiser.name,
      overdue: false,
    });
    expect(o.dueAt).toBe('2026-12-01T15:59:59.999Z');
    const notes = await inbox(providerSpecialist);
    expect(notes.find((n) => n.link === `/console/catalog/objections/${o.id}`)).toMatchObject({
      title: '收到目录疑义：企业登记信息',
    });
    expect((await inbox(otherUser)).some((n) => n.link === `/console/catalog/objections/${o.id}`)).toBe(false);
  });

  it('takes the number of working days from the setting', async () => {
    await putSetting(t.ctx.db, 'catalog.objection_due_working_days', 3, null);
    const entryId = await entry(provider, '个体工商户登记信息');
    const o = (
      await post(`/api/catalog/entries/${entryId}/objections`, raiserUser, {
        kind: 'catalog',
        content: '更新周期填写有误',
      })
    ).json();
    expect(o.dueAt).toBe('2026-11-27T15:59:59.999Z');
    await putSetting(t.ctx.db, 'catalog.objection_due_working_days', 5, null);
  });

  it('refuses objections on own entries, on drafts of others and from roles that may not raise', async () => {
    const own = await entry(raiser, '纳税信用等级');
    const draft = (await draftEntry(t, { provider, name: '未发布的目录' })).entry.id;
    const ownRes = await post(`/api/catalog/entries/${own}/objections`, raiserUser, {
      kind: 'catalog',
      content: '自己的目录',
    });
    expect(ownRes.statusCode).toBe(400);
    expect(ownRes.json().error.code).toBe('OBJECTION_OWN_ENTRY');
    expect(
      (await post(`/api/catalog/entries/${draft}/objections`, raiserUser, { kind: 'catalog', content: '草稿' }))
        .statusCode,
    ).toBe(404);
    const published = await entry(provider, '食品经营许可信息');
    expect(
      (await post(`/api/catalog/entries/${published}/objections`, raiserUser, { kind: 'other', content: 'x' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await post(`/api/catalog/entries/${published}/objections`, raiserUser, { kind: 'data', content: '   ' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await post(`/api/catalog/entries/${published}/objections`, admin, { kind: 'data', content: '管理员' }))
        .statusCode,
    ).toBe(403);
  });

  it('runs answer → reopen → answer → confirm, telling the other side each time', async () => {
    const entryId = await entry(provider, '行政处罚信息');
    const o = (
      await post(`/api/catalog/entries/${entryId}/objections`, raiserUser, { kind: 'service', content: '接口经常超时' })
    ).json();
    const url = `/api/catalog/objections/${o.id}`;

    // Only the provider answers: the raiser's specialist may compile but is on the wrong side; a third department does not see it.
    expect((await post(`${url}/answer`, raiserSpecialist, { answer: '已修复' })).statusCode).toBe(403);
    expect((await post(`${url}/confirm`, raiserUser, { rating: 5 })).json().error.code).toBe('OBJECTION_NOT_ANSWERED');

    await advance(24 * 3600_000);
    const answered = await post(`${url}/answer`, providerSpecialist, { answer: '已扩容接口服务器' });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'answered', answer: '已扩容接口服务器' });
    expect((await post(`${url}/answer`, providerSpecialist, { answer: '再答一次' })).json().error.code).toBe(
      'OBJECTION_NOT_OPEN',
    );
    expect((await inbox(raiserUser)).find((n) => n.link === `/console/catalog/objections/${o.id}`)).toMatchObject({
      title: '目录疑义已答复：行政处罚信息',
    });

    // Reopened on Thursday 26 Nov: a new five-working-day deadline, Thursday 3 Dec.
    await advance(24 * 3600_000);
    expect((await post(`${url}/reopen`, providerSpecialist, { reason: '提供方不能重新提出' })).statusCode).toBe(403);
    const reopened = (await post(`${url}/reopen`, raiserSpecialist, { reason: '仍然超时' })).json();
    expect(reopened).toMatchObject({ status: 'reopened', answer: null, dueAt: '2026-12-03T15:59:59.999Z' });
    expect(reopened.content).toContain('接口经常超时');
    expect(reopened.content).toContain('已扩容接口服务器');
    expect(reopened.content).toContain('仍然超时');
    expect(
      (await inbox(providerSpecialist)).find((n) => n.title === '目录疑义被重新提出：行政处罚信息')?.body,
    ).toContain('仍然超时');

    await post(`${url}/answer`, providerSpecialist, { answer: '已改为异步接口' });
    expect((await post(`${url}/confirm`, raiserUser, { rating: 6 })).statusCode).toBe(400);
    expect((await post(`${url}/confirm`, providerSpecialist, { rating: 5 })).statusCode).toBe(403);
    const confirmed = (await post(`${url}/confirm`, raiserUser, { rating: 4 })).json();
    expect(confirmed).toMatchObject({ status: 'confirmed', rating: 4, answer: '已改为异步接口' });
    expect(confirmed.closedAt).toBe(t.clock.now().toISOString());
    expect(
      (await inbox(providerSpecialist)).some(
        (n) => n.title === '目录疑义已确认办结：行政处罚信息' && n.body?.includes('4/5'),
      ),
    ).toBe(true);
  });

  it('shows each department what it raised or received, flags overdue ones and counts them', async () => {
    const mine = await department();
    const providerHere = mine.specialist.headers;
    const e1 = await entry(mine, '医疗机构名录');
    const e2 = await entry(mine, '学校名录');
    const late = (
      await post(`/api/catalog/entries/${e1}/objections`, raiserUser, { kind: 'catalog', content: '名录缺少部分机构' })
    ).json();
    const onTime = (
      await post(`/api/catalog/entries/${e2}/objections`, otherUser, { kind: 'catalog', content: '地址有误' })
    ).json();
    await post(`/api/catalog/objections/${onTime.id}/answer`, providerHere, { answer: '已更正' });

    const received = (await get('/api/catalog/objections?role=received', providerHere)).json();
    expect(received.items.map((o: { id: string }) => o.id).sort()).toEqual([late.id, onTime.id].sort());
    const raised = (await get('/api/catalog/objections?role=raised', otherUser)).json();
    expect(raised.items.map((o: { id: string }) => o.id)).toEqual([onTime.id]);
    expect((await get('/api/catalog/objections?role=raised', providerHere)).json().total).toBe(0);
    expect((await get(`/api/catalog/objections/${late.id}`, otherUser)).statusCode).toBe(404);
    expect(
      (await get('/api/catalog/objections?pageSize=200', admin))
        .json()
        .items.some((o: { id: string }) => o.id === late.id),
    ).toBe(true);

    // The entry page lists the entry's objections for those involved only.
    expect((await get(`/api/catalog/entries/${e1}/objections`, providerHere)).json().total).toBe(1);
    expect((await get(`/api/catalog/entries/${e1}/objections`, otherUser)).json().total).toBe(0);

    expect(await countOverdueObjections(t.ctx, mine.id)).toBe(0);
    await advance(10 * 24 * 3600_000);
    const overdue = (await get('/api/catalog/objections?role=received&overdue=true', providerHere)).json();
    expect(overdue.items.map((o: { id: string; overdue: boolean }) => [o.id, o.overdue])).toEqual([[late.id, true]]);
    expect(
      (await get('/api/catalog/objections?role=received&overdue=false', providerHere))
        .json()
        .items.map((o: { id: string }) => o.id),
    ).toEqual([onTime.id]);
    expect(await countOverdueObjections(t.ctx, mine.id)).toBe(1);
    expect(await countOverdueObjections(t.ctx)).toBeGreaterThanOrEqual(1);

    // The reminder job set at raising time tells the provider, its reviewers and the raiser; the answered one stays quiet.
    registerBackgroundWork();
    while ((await runDueJobs(t.ctx, 'test-worker')).claimed > 0);
    const reminder = '目录疑义逾期未答复：医疗机构名录';
    expect((await inbox(providerHere)).filter((n) => n.title === reminder)).toHaveLength(1);
    expect((await inbox(mine.leader.headers)).some((n) => n.title === reminder)).toBe(true);
    expect(
      (await inbox(raiserUser)).some(
        (n) => n.title === reminder && n.link === `/console/catalog/objections/${late.id}`,
      ),
    ).toBe(true);
    expect((await inbox(providerHere)).some((n) => n.title === '目录疑义逾期未答复：学校名录')).toBe(false);

    // Answering late clears the flag; the count is of objections still waiting.
    await post(`/api/catalog/objections/${late.id}/answer`, providerHere, { answer: '已补充' });
    expect(await countOverdueObjections(t.ctx, mine.id)).toBe(0);
  });
});
