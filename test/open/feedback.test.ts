import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  item,
  platformAdmin,
  publishedEntry,
  session,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';

/**
 * R-36 (issue 12 point 8): the public asks for data and gives feedback on open datasets; the platform
 * moderates; the provider answers; answered requests are public. Against a real database, through HTTP.
 */

let t: TestApp;
let admin: Session;
let provider: CatalogDepartment;
let other: CatalogDepartment;
let pub1: Session;
let pub2: Session;
let pub3: Session;
let ds: { id: string; code: string; name: string };
let closed: { code: string };

const CLEAR = { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' };
type Res = Awaited<ReturnType<TestApp['inject']>>;

const send = (method: 'GET' | 'POST' | 'PUT', url: string, s?: Session, payload?: object): Promise<Res> =>
  t.inject({
    method,
    url,
    headers: s?.headers ?? {},
    ...(payload ? { payload: payload as Record<string, unknown> } : {}),
  });
const get = (url: string, s?: Session) => send('GET', url, s);
const post = (url: string, s: Session | undefined, payload: object = {}) => send('POST', url, s, payload);
const errorOf = (r: Res) => r.json<{ error: { code: string; message: string; messageZh: string } }>().error;

/** An unconditionally open entry through both confidentiality reviews, on the portal. */
async function openDataset(dept: CatalogDepartment) {
  const { entry } = await publishedEntry(t, {
    provider: dept,
    openType: 'unconditional',
    items: [item({ name: '站点名称', fieldName: 'site_name' }), item({ name: '开放时间', fieldName: 'open_hours' })],
  });
  for (const s of [dept.leader, admin])
    expectStatus(
      await post(`/api/open/datasets/${entry.id}/reviews`, s, { checklist: CLEAR, conclusion: 'pass' }),
      200,
    );
  expectStatus(await get(`/api/portal/datasets/${entry.code}`), 200);
  return { id: entry.id, code: entry.code, name: entry.current!.name };
}

const notices = (userId: string, kind: string) =>
  t.ctx.db
    .selectFrom('notification')
    .select(['title', 'link'])
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .execute();

const request = (over: object = {}) => ({
  title: '全市公共充电桩位置',
  description: '充电桩名称、地址、经纬度、桩数，按月更新',
  purpose: '出行导航小程序',
  ...over,
});

beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
  [provider, other] = await Promise.all([catalogDepartment(t), catalogDepartment(t)]);
  const citizen = () => session(t, ['public_user'], { departmentId: null });
  [pub1, pub2, pub3] = await Promise.all([citizen(), citizen(), citizen()]);
  ds = await openDataset(provider);
  closed = (await publishedEntry(t, { provider, openType: 'none' })).entry;
});
afterAll(() => t?.close());

describe('data requests (数据需求)', () => {
  it('goes from the public through moderation to the provider’s answer, which is public', async () => {
    // Anonymous visitors read, but cannot file.
    expect((await post('/api/portal/requests', undefined, request())).statusCode).toBe(401);

    const filed = expectStatus(
      await post('/api/portal/requests', pub1, request({ wantedDepartmentId: provider.id })),
      201,
    ).json();
    expect(filed).toMatchObject({ status: 'submitted', votes: 1, voted: true, mine: true, requesterName: null });
    const url = `/api/portal/requests/${filed.id}`;

    // Nobody but the requester sees it before moderation, not even the department named.
    expect((await get(url)).statusCode).toBe(404);
    expect((await get(url, pub2)).statusCode).toBe(404);
    expect(expectStatus(await get(url, pub1), 200).json().status).toBe('submitted');
    expect((await get(`/api/open/requests/${filed.id}`, provider.specialist)).statusCode).toBe(404);
    expect(
      (await post(`/api/open/requests/${filed.id}/answer`, provider.specialist, { answer: '已开放' })).statusCode,
    ).toBe(404);
    const listed = async () =>
      (await get('/api/portal/requests?q=充电桩&pageSize=50'))
        .json<{ items: Array<{ id: string }> }>()
        .items.map((r) => r.id);
    expect(await listed()).not.toContain(filed.id);
    // The platform sees who asked and alone moderates.
    expect(expectStatus(await get(`/api/open/requests/${filed.id}`, admin), 200).json().requesterName).toBeTruthy();
    expect(
      (await post(`/api/open/requests/${filed.id}/moderate`, provider.leader, { decision: 'publish' })).statusCode,
    ).toBe(403);

    // Published, it goes to the department the requester named, which is told.
    const published = expectStatus(
      await post(`/api/open/requests/${filed.id}/moderate`, admin, { decision: 'publish' }),
      200,
    ).json();
    expect(published).toMatchObject({ status: 'published', departmentId: provider.id, departmentName: provider.name });
    expect(await notices(provider.specialist.id, 'open.request.routed')).toEqual([
      expect.objectContaining({ link: `/console/open/requests/${filed.id}` }),
    ]);
    expect(await notices(provider.leader.id, 'open.request.routed')).toHaveLength(1);
    expect(await notices(other.specialist.id, 'open.request.routed')).toHaveLength(0);
    expect(await listed()).toContain(filed.id);
    expect(expectStatus(await get(url), 200).json()).toMatchObject({ requesterName: null, mine: false, voted: false });
    // Moderated once only.
    expect(errorOf(await post(`/api/open/requests/${filed.id}/moderate`, admin, { decision: 'publish' })).code).toBe(
      'OPEN_REQUEST_NOT_SUBMITTED',
    );

    // Another department neither sees nor answers it.
    expect(
      (await post(`/api/open/requests/${filed.id}/answer`, other.specialist, { answer: '我们来答' })).statusCode,
    ).toBe(404);
    const otherList = expectStatus(await get('/api/open/requests?pageSize=200', other.leader), 200).json();
    expect(otherList.items.map((r: { id: string }) => r.id)).not.toContain(filed.id);
    const ownList = expectStatus(await get('/api/open/requests?pageSize=200', provider.leader), 200).json();
    expect(ownList.items.map((r: { id: string }) => r.id)).toContain(filed.id);

    // The answer must be real text, and a named dataset must be on the portal.
    expect(
      errorOf(await post(`/api/open/requests/${filed.id}/answer`, provider.specialist, { answer: '   ' })),
    ).toMatchObject({
      code: 'FIELD_REQUIRED',
      messageZh: '请填写答复内容',
    });
    expect(
      errorOf(
        await post(`/api/open/requests/${filed.id}/answer`, provider.specialist, {
          answer: '见该数据集',
          entryCode: closed.code,
        }),
      ).code,
    ).toBe('OPEN_ANSWER_ENTRY_NOT_OPEN');

    const answered = expectStatus(
      await post(`/api/open/requests/${filed.id}/answer`, provider.specialist, {
        answer: '已开放，见该数据集',
        entryCode: ds.code,
      }),
      200,
    ).json();
    expect(answered).toMatchObject({
      status: 'answered',
      answer: '已开放，见该数据集',
      answeredByName: provider.name,
      answerEntry: { code: ds.code, name: ds.name },
    });
    // Public, with the dataset linked, to anyone; the requester is told.
    expect(expectStatus(await get(url), 200).json()).toMatchObject({
      status: 'answered',
      answerEntry: { code: ds.code },
      requesterName: null,
    });
    const answeredList = (await get('/api/portal/requests?status=answered&pageSize=200')).json();
    expect(answeredList.items.map((r: { id: string }) => r.id)).toContain(filed.id);
    expect(await notices(pub1.id, 'open.request.answered')).toHaveLength(1);
    // The change is audited with the request as its target.
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('target_id', '=', filed.id)
      .execute();
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(['open.request.file', 'open.request.moderate', 'open.request.answer']),
    );
  });

  it('keeps a rejected request off the portal and gives its requester the reason', async () => {
    const filed = expectStatus(
      await post('/api/portal/requests', pub1, request({ title: '某人的住址', wantedDepartmentId: provider.id })),
      201,
    ).json();
    expect(errorOf(await post(`/api/open/requests/${filed.id}/moderate`, admin, { decision: 'reject' }))).toMatchObject(
      {
        code: 'FIELD_REQUIRED',
        messageZh: '请填写不予公开的理由',
      },
    );
    const rejected = expectStatus(
      await post(`/api/open/requests/${filed.id}/moderate`, admin, { decision: 'reject', reason: '涉及个人隐私' }),
      200,
    ).json();
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: '涉及个人隐私' });

    expect((await get(`/api/portal/requests/${filed.id}`)).statusCode).toBe(404);
    expect((await get(`/api/portal/requests/${filed.id}`, pub2)).statusCode).toBe(404);
    const all = (await get('/api/portal/requests?pageSize=200')).json();
    expect(all.items.map((r: { id: string }) => r.id)).not.toContain(filed.id);
    expect((await get(`/api/open/requests/${filed.id}`, provider.specialist)).statusCode).toBe(404);

    expect(expectStatus(await get(`/api/portal/requests/${filed.id}`, pub1), 200).json().rejectReason).toBe(
      '涉及个人隐私',
    );
    const mine = expectStatus(await get('/api/portal/requests/mine', pub1), 200).json();
    expect(mine.items.find((r: { id: string }) => r.id === filed.id)).toMatchObject({ rejectReason: '涉及个人隐私' });
    expect(await notices(pub1.id, 'open.request.rejected')).toHaveLength(1);
  });

  it('counts each person once for 我也需要, only while the request waits for its answer', async () => {
    const filed = expectStatus(
      await post('/api/portal/requests', pub1, request({ title: '公交实时到站' })),
      201,
    ).json();
    const vote = (s?: Session) => post(`/api/portal/requests/${filed.id}/vote`, s);
    expect((await vote(pub2)).statusCode).toBe(404);
    // Published without a department: the platform answers it.
    expect(
      expectStatus(
        await post(`/api/open/requests/${filed.id}/moderate`, admin, { decision: 'publish', departmentId: null }),
        200,
      ).json(),
    ).toMatchObject({ status: 'published', departmentId: null });

    expect((await vote()).statusCode).toBe(401);
    expect((await vote(provider.specialist)).statusCode).toBe(403);
    expect(expectStatus(await vote(pub2), 200).json()).toMatchObject({ votes: 2, voted: true });
    expect(errorOf(await vote(pub2)).code).toBe('OPEN_REQUEST_ALREADY_VOTED');
    // The requester counted already.
    expect(errorOf(await vote(pub1)).code).toBe('OPEN_REQUEST_ALREADY_VOTED');
    expect(expectStatus(await vote(pub3), 200).json().votes).toBe(3);
    const row = await t.ctx.db
      .selectFrom('open_data_request_vote')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('request_id', '=', filed.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(3);
    const byVotes = (await get('/api/portal/requests?sort=votes&status=published&pageSize=200')).json();
    expect(byVotes.items[0].votes).toBeGreaterThanOrEqual(3);

    // Routed to nobody, no department answers; the platform does.
    expect((await post(`/api/open/requests/${filed.id}/answer`, provider.leader, { answer: '有' })).statusCode).toBe(
      404,
    );
    expectStatus(await post(`/api/open/requests/${filed.id}/answer`, admin, { answer: '正在协调公交集团' }), 200);
    expect(errorOf(await vote(pub3)).code).toBe('OPEN_REQUEST_NOT_VOTABLE');
  });

  it('refuses bad input with messages in both languages', async () => {
    const blank = errorOf(await post('/api/portal/requests', pub1, request({ purpose: '  ' })));
    expect(blank).toMatchObject({ code: 'FIELD_REQUIRED', messageZh: '请填写数据用途或应用场景' });
    const long = errorOf(await post('/api/portal/requests', pub1, request({ title: '长'.repeat(101) })));
    expect(long.code).toBe('VALIDATION_FAILED');
    expect(long.messageZh).toContain('不应多于 100 个字符');
    const unknown = errorOf(
      await post('/api/portal/requests', pub1, request({ wantedDepartmentId: '00000000-0000-4000-8000-000000000000' })),
    );
    expect(unknown).toMatchObject({ code: 'DEPARTMENT_UNKNOWN', messageZh: '所选部门不存在' });
    // Staff are not the public.
    expect((await post('/api/portal/requests', provider.user, request())).statusCode).toBe(403);
  });
});

describe('ratings, comments and 纠错 on a dataset', () => {
  const fb = (s?: Session) => get(`/api/portal/datasets/${ds.code}/feedback`, s);
  const rate = (s: Session | undefined, stars: number) =>
    send('PUT', `/api/portal/datasets/${ds.code}/rating`, s, { stars });

  it('keeps one rating per person, changeable, and averages them', async () => {
    expect(expectStatus(await fb(), 200).json().rating).toEqual({ average: null, count: 0, mine: null });
    expect((await rate(undefined, 5)).statusCode).toBe(401);
    expect((await rate(pub1, 6)).statusCode).toBe(400);
    expect(expectStatus(await rate(pub1, 5), 200).json()).toEqual({ average: 5, count: 1, mine: 5 });
    expect(expectStatus(await rate(pub2, 2), 200).json()).toEqual({ average: 3.5, count: 2, mine: 2 });
    // A second rating by the same person replaces the first.
    expect(expectStatus(await rate(pub1, 4), 200).json()).toEqual({ average: 3, count: 2, mine: 4 });
    expect(expectStatus(await fb(pub1), 200).json().rating).toEqual({ average: 3, count: 2, mine: 4 });
    expect(expectStatus(await fb(), 200).json().rating).toEqual({ average: 3, count: 2, mine: null });
    // Only datasets on the portal take feedback.
    expect((await send('PUT', `/api/portal/datasets/${closed.code}/rating`, pub1, { stars: 3 })).statusCode).toBe(404);
  });

  it('shows a comment to others only once the platform publishes it, and a hidden one only to its author', async () => {
    const url = `/api/portal/datasets/${ds.code}/comments`;
    expect((await post(url, undefined, { content: '很好用' })).statusCode).toBe(401);
    expect(errorOf(await post(url, pub1, { content: '   ' })).messageZh).toBe('请填写评论内容');
    expect((await post(url, pub1, { content: '长'.repeat(501) })).statusCode).toBe(400);
    const c = expectStatus(await post(url, pub1, { content: '数据很全，希望增加历史数据' }), 201).json();
    expect(c).toMatchObject({ status: 'pending', mine: true });

    const ids = async (s?: Session) =>
      (await fb(s)).json<{ comments: { items: Array<{ id: string }> } }>().comments.items.map((x) => x.id);
    expect(await ids()).not.toContain(c.id);
    expect(await ids(pub2)).not.toContain(c.id);
    expect(await ids(pub1)).toContain(c.id);

    expect((await get('/api/open/comments', provider.specialist)).statusCode).toBe(403);
    const queue = expectStatus(await get('/api/open/comments?status=pending', admin), 200).json();
    const queued = queue.items.find((x: { id: string }) => x.id === c.id);
    expect(queued.authorName).not.toContain('*');

    expectStatus(await post(`/api/open/comments/${c.id}/moderate`, admin, { decision: 'publish' }), 200);
    const shown = (await fb()).json().comments.items.find((x: { id: string }) => x.id === c.id);
    expect(shown).toMatchObject({ status: 'published', mine: false, hiddenReason: null });
    expect(shown.authorName).toMatch(/^.\*$/);

    const rude = expectStatus(await post(url, pub1, { content: '广告：低价出售数据' }), 201).json();
    expect(errorOf(await post(`/api/open/comments/${rude.id}/moderate`, admin, { decision: 'hide' })).code).toBe(
      'FIELD_REQUIRED',
    );
    expectStatus(
      await post(`/api/open/comments/${rude.id}/moderate`, admin, { decision: 'hide', reason: '含广告内容' }),
      200,
    );
    expect(await ids()).not.toContain(rude.id);
    const own = (await fb(pub1)).json().comments.items.find((x: { id: string }) => x.id === rude.id);
    expect(own).toMatchObject({ status: 'hidden', hiddenReason: '含广告内容' });
    expect(await notices(pub1.id, 'open.comment.hidden')).toHaveLength(1);
    const mine = expectStatus(await get('/api/portal/feedback/mine', pub1), 200).json();
    expect(mine.comments.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([c.id, rude.id]));
    expect(mine.ratings.map((r: { entryCode: string }) => r.entryCode)).toContain(ds.code);
  });

  it('sends a 纠错 to the provider, who alone (with the platform) answers it', async () => {
    const url = `/api/portal/datasets/${ds.code}/error-reports`;
    expect((await post(url, undefined, { content: '地址错误' })).statusCode).toBe(401);
    const r = expectStatus(
      await post(url, pub1, { itemName: '站点名称', content: '第3行站点名称与实际不符' }),
      201,
    ).json();
    expect(r).toMatchObject({ status: 'open', itemName: '站点名称', reporterName: null });
    expect(await notices(provider.specialist.id, 'open.error.reported')).toHaveLength(1);

    const listOf = async (s: Session) =>
      expectStatus(await get('/api/open/error-reports?pageSize=200', s), 200)
        .json()
        .items.map((x: { id: string }) => x.id);
    expect(await listOf(provider.specialist)).toContain(r.id);
    expect(await listOf(other.specialist)).not.toContain(r.id);
    expect(await listOf(admin)).toContain(r.id);
    const answer = (s: Session) => post(`/api/open/error-reports/${r.id}/answer`, s, { answer: '已核实更正' });
    expect((await answer(other.leader)).statusCode).toBe(404);
    expect((await answer(provider.user)).statusCode).toBe(403);
    expect(expectStatus(await answer(provider.leader), 200).json()).toMatchObject({
      status: 'answered',
      answer: '已核实更正',
    });

    expect(expectStatus(await fb(), 200).json()).toMatchObject({
      errorReports: { total: 1, answered: 1 },
      myErrorReports: [],
    });
    expect((await fb(pub1)).json().myErrorReports).toEqual([
      expect.objectContaining({ id: r.id, answer: '已核实更正', providerDepartmentName: provider.name }),
    ]);
    expect(await notices(pub1.id, 'open.error.answered')).toHaveLength(1);
  });
});
