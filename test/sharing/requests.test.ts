import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, platformAdmin, session, type Session } from '../catalog/factory';
import type { ApplyInfo, ShareRequest } from '../../src/server/modules/sharing/schemas';
import { conditionalRequest, get, post, requestBody, sharedEntry, submitRequest } from './factory';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const inboxKinds = async (s: Session) =>
  (await get(t, '/api/inbox?pageSize=50', s)).json<{
    items: Array<{ kind: string; title: string; body: string | null; link: string | null }>;
  }>().items;

describe('applying for a resource (R-10 – R-13)', () => {
  it('shows the applicant what applying involves: items, methods, the provider’s specialists, terms and deadlines', async () => {
    const { entry, provider } = await sharedEntry(t, 'conditional');
    expectStatus(
      await post(t, '/api/specialists', provider.specialist, {
        departmentId: provider.id,
        name: '王数据',
        title: '科长',
        mobile: '13800000001',
        activeFrom: '2025-01-01',
      }),
      201,
    );
    const consumer = await catalogDepartment(t);
    const info = expectStatus(
      await get(t, `/api/sharing/entries/${entry.id}/apply-info`, consumer.user),
      200,
    ).json<ApplyInfo>();
    expect(info).toMatchObject({
      shareType: 'conditional',
      requestable: true,
      letterRequired: true,
      methods: ['table', 'api'],
      deadlines: { prereviewWorkingDays: 3, providerWorkingDays: 10 },
    });
    expect(info.shareCondition).toContain('第十一条');
    expect(info.items.map((i) => i.name)).toEqual(['统一社会信用代码', '企业名称', '法定代表人']);
    expect(info.specialists).toEqual([
      { name: '王数据', title: '科长', mobile: '13800000001', phone: null, email: null },
    ]);
    expect(info.terms.textZh).toContain('不得');
    // The provider's own resource needs no request.
    const own = expectStatus(
      await get(t, `/api/sharing/entries/${entry.id}/apply-info`, provider.user),
      200,
    ).json<ApplyInfo>();
    expect(own).toMatchObject({ requestable: false, notRequestableReason: { code: 'SHARING_OWN_ENTRY' } });
  });

  it('refuses a request for a 不予共享 resource and shows its basis (R-11)', async () => {
    const { entry } = await sharedEntry(t, 'none');
    const consumer = await catalogDepartment(t);
    const info = expectStatus(
      await get(t, `/api/sharing/entries/${entry.id}/apply-info`, consumer.user),
      200,
    ).json<ApplyInfo>();
    expect(info).toMatchObject({ requestable: false, notRequestableReason: { code: 'SHARING_NOT_SHARED' } });
    expect(info.notRequestableReason!.messageZh).toContain('第十一条');
    const res = await submitRequest(t, consumer.user, entry, { letterId: null });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('SHARING_NOT_SHARED');
  });

  it('grants a 无条件共享 resource at once, still recording purpose, system and accepted terms (R-12)', async () => {
    const { entry, provider } = await sharedEntry(t, 'unconditional');
    const consumer = await catalogDepartment(t);
    const r = expectStatus(
      await submitRequest(t, consumer.user, entry, {
        letterId: null,
        periodFrom: undefined,
        periodTo: undefined,
        method: 'api',
      }),
      201,
    ).json<ShareRequest>();
    expect(r).toMatchObject({
      kind: 'unconditional',
      status: 'approved',
      currentStep: null,
      steps: [],
      systemName: '上饶市企业开办一网通办系统',
      termsVersion: expect.any(String),
    });
    expect(r.no).toMatch(/^GX-2026-\d{6}$/);
    // No period asked for: a year from today.
    expect(r.grant).toMatchObject({
      status: 'active',
      method: 'api',
      consumerDepartmentId: consumer.id,
      providerDepartmentId: provider.id,
      purpose: r.purpose,
      validFrom: '2026-11-24',
      validTo: '2027-11-23',
    });
    expect(r.grant!.items.find((i) => i.name === '法定代表人')).toMatchObject({ maskRule: '保留姓氏' });
    expect(r.grant!.no).toMatch(/^SQ-2026-\d{6}$/);
    expect((await inboxKinds(provider.specialist)).map((n) => n.kind)).toContain('sharing.grant.unconditional');
    // A second request while the grant is active is refused.
    const again = await submitRequest(t, consumer.user, entry, { letterId: null });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SHARING_ALREADY_GRANTED');
  });

  it('becomes conditional when an unconditional resource’s requested item is conditional', async () => {
    const { entry } = await sharedEntry(t, 'unconditional');
    const consumer = await catalogDepartment(t);
    // Mark one item conditional through the version's own table: the catalog rules allow per-item tightening.
    await t.ctx.db
      .updateTable('catalog_data_item')
      .set({ share_type: 'conditional' })
      .where('id', '=', entry.current!.items[2]!.id)
      .execute();
    const info = expectStatus(
      await get(t, `/api/sharing/entries/${entry.id}/apply-info`, consumer.user),
      200,
    ).json<ApplyInfo>();
    expect(info.letterRequired).toBe(true);
    const r = expectStatus(await submitRequest(t, consumer.user, entry), 201).json<ShareRequest>();
    expect(r).toMatchObject({ kind: 'conditional', status: 'prereview' });
    const narrow = expectStatus(
      await submitRequest(t, (await catalogDepartment(t)).user, entry, {
        letterId: null,
        itemIds: [entry.current!.items[0]!.id],
      }),
      201,
    ).json<ShareRequest>();
    expect(narrow).toMatchObject({ kind: 'unconditional', status: 'approved' });
  });

  it('lists every problem of a conditional request with its field, in Chinese and English', async () => {
    const { entry } = await sharedEntry(t, 'conditional');
    const consumer = await catalogDepartment(t);
    const body = await requestBody(t, consumer.user, entry, {
      letterId: null,
      method: 'file',
      periodFrom: '2026-11-01',
      periodTo: '2026-10-01',
    });
    const res = await t.inject({
      method: 'POST',
      url: '/api/sharing/requests',
      headers: consumer.user.headers,
      payload: { ...body, itemIds: [...body.itemIds, '00000000-0000-4000-8000-000000000000'] },
    });
    expect(res.statusCode).toBe(400);
    const { code, details } = res.json().error;
    expect(code).toBe('SHARING_REQUEST_INVALID');
    const fields = (details.problems as Array<{ field: string; code: string; messageZh: string }>).map(
      (p) => `${p.field}:${p.code}`,
    );
    expect(fields).toEqual([
      'itemIds:SHARING_ITEMS_NOT_REQUESTABLE',
      'method:SHARING_METHOD_NOT_OFFERED',
      'letterId:SHARING_LETTER_REQUIRED',
      'periodFrom:SHARING_PERIOD_PAST',
      'periodTo:SHARING_PERIOD_ORDER',
    ]);
    // Terms must be accepted, and in their current version.
    const noTerms = await t.inject({
      method: 'POST',
      url: '/api/sharing/requests',
      headers: consumer.user.headers,
      payload: { ...body, acceptTerms: false },
    });
    expect(noTerms.statusCode).toBe(400);
    const oldTerms = await t.inject({
      method: 'POST',
      url: '/api/sharing/requests',
      headers: consumer.user.headers,
      payload: { ...body, letterId: undefined, termsVersion: '2020-1' },
    });
    expect(oldTerms.json().error.code).toBe('SHARING_TERMS_OUTDATED');
    expect(
      await t.ctx.db
        .selectFrom('share_request')
        .select('id')
        .where('consumer_department_id', '=', consumer.id)
        .execute(),
    ).toEqual([]);
  });

  it('sends a conditional request to pre-review due in 3 working days and tells the platform (R-13)', async () => {
    const { request, consumer } = await conditionalRequest(t);
    expect(request).toMatchObject({
      kind: 'conditional',
      status: 'prereview',
      letter: { mime: 'application/pdf' },
      actions: { withdraw: true, prereview: false },
    });
    // Submitted Tuesday 2026-11-24 10:00 Shanghai: three working days later is Friday the 27th, end of day.
    expect(request.currentStep).toMatchObject({
      kind: 'admin_prereview',
      round: 1,
      dueAt: '2026-11-27T15:59:59.999Z',
      overdue: false,
    });
    const admin = await platformAdmin(t);
    expect(
      (await inboxKinds(admin)).some(
        (n) => n.kind === 'sharing.request.submitted' && n.link === `/console/sharing/requests/${request.id}`,
      ),
    ).toBe(true);
    // One request in progress per department and resource.
    const again = await submitRequest(t, consumer.user, { id: request.entryId, current: { items: request.items } });
    expect(again.json().error.code).toBe('SHARING_REQUEST_OPEN');
  });

  it('runs submit → forward → provider approves with narrowed items, period and conditions → grant (R-13, R-16)', async () => {
    const { request, provider, consumer } = await conditionalRequest(t);
    const admin = await platformAdmin(t);
    // Before forwarding the provider does not see the request.
    expect((await get(t, `/api/sharing/requests/${request.id}`, provider.specialist)).statusCode).toBe(404);
    const fwd = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/prereview`, admin, { decision: 'forward' }),
      200,
    ).json<ShareRequest>();
    expect(fwd.status).toBe('provider_review');
    // Forwarded Tuesday 2026-11-24: ten working days later is Tuesday 2026-12-08.
    expect(fwd.currentStep).toMatchObject({ kind: 'provider_decision', dueAt: '2026-12-08T15:59:59.999Z' });
    expect((await inboxKinds(provider.leader)).map((n) => n.kind)).toContain('sharing.request.forwarded');

    const seen = expectStatus(
      await get(t, `/api/sharing/requests/${request.id}`, provider.specialist),
      200,
    ).json<ShareRequest>();
    expect(seen.actions).toEqual({ prereview: false, decide: true, resubmit: false, withdraw: false });
    const letter = expectStatus(await get(t, `/api/sharing/requests/${request.id}/letter`, provider.specialist), 200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    expect(letter.headers['x-content-sha256']).toBe(request.letter!.sha256);

    const kept = [request.itemIds[0]!, request.itemIds[1]!];
    const wider = await post(t, `/api/sharing/requests/${request.id}/decision`, provider.specialist, {
      decision: 'approve',
      periodTo: '2028-01-01',
    });
    expect(wider.json().error.details.problems[0]).toMatchObject({ field: 'periodTo', code: 'SHARING_PERIOD_WIDER' });
    // Terms must fit the method: a row cap is for service-API grants, ranges must be addresses.
    const misfit = await post(t, `/api/sharing/requests/${request.id}/decision`, provider.specialist, {
      decision: 'approve',
      terms: { dailyRowCap: 1000, ipRanges: ['10.1.0.0/16', '10.1.0.0/40', 'intranet'] },
    });
    expect(misfit.json().error.details.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual(
      [
        ['terms.dailyRowCap', 'SHARING_TERMS_CAP_NEEDS_API'],
        ['terms.ipRanges[1]', 'SHARING_TERMS_IP_RANGE'],
        ['terms.ipRanges[2]', 'SHARING_TERMS_IP_RANGE'],
      ],
    );
    const ok = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/decision`, provider.specialist, {
        decision: 'approve',
        itemIds: kept,
        periodTo: '2027-05-31',
        conditions: '仅用于企业开办核验',
        terms: { bulkExport: false, ipRanges: ['10.1.0.0/16'] },
      }),
      200,
    ).json<ShareRequest>();
    expect(ok.grant!.terms).toEqual({
      bulkExport: false,
      dailyRowCap: null,
      ipRanges: ['10.1.0.0/16'],
      callsPerMinute: null,
      dailyCallQuota: null,
      operations: null,
    });
    expect(ok.status).toBe('approved');
    expect(ok.grant).toMatchObject({
      status: 'active',
      validFrom: '2026-12-01',
      validTo: '2027-05-31',
      conditions: '仅用于企业开办核验',
      method: 'table',
    });
    expect(ok.grant!.items.map((i) => i.name)).toEqual(['统一社会信用代码', '企业名称']);
    expect((await inboxKinds(consumer.user)).map((n) => n.kind)).toContain('sharing.request.approved');
    // Decided once: a second answer is refused.
    expect(
      (await post(t, `/api/sharing/requests/${request.id}/decision`, provider.leader, { decision: 'approve' }))
        .statusCode,
    ).toBe(409);
  });

  it('returns a request for supplement with a reason; the consumer resubmits and it is pre-reviewed again', async () => {
    const { request, consumer } = await conditionalRequest(t);
    const admin = await platformAdmin(t);
    expect(
      (await post(t, `/api/sharing/requests/${request.id}/prereview`, admin, { decision: 'return' })).json().error.code,
    ).toBe('SHARING_REASON_REQUIRED');
    const back = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/prereview`, admin, {
        decision: 'return',
        reason: '申请函未加盖公章',
      }),
      200,
    ).json<ShareRequest>();
    expect(back).toMatchObject({ status: 'returned', currentStep: null });
    const note = (await inboxKinds(consumer.user)).find((n) => n.kind === 'sharing.request.returned');
    expect(note).toMatchObject({ body: '申请函未加盖公章', link: `/console/sharing/requests/${request.id}` });

    const mine = expectStatus(
      await get(t, `/api/sharing/requests/${request.id}`, consumer.user),
      200,
    ).json<ShareRequest>();
    expect(mine.actions).toMatchObject({ resubmit: true, withdraw: true });
    const {
      entryId: _e,
      acceptTerms: _a,
      termsVersion: _v,
      ...fields
    } = await requestBody(t, consumer.user, { id: request.entryId, current: { items: request.items } });
    const again = expectStatus(
      await t.inject({
        method: 'PUT',
        url: `/api/sharing/requests/${request.id}`,
        headers: consumer.user.headers,
        payload: { ...fields, purpose: '补充：企业开办核验' },
      }),
      200,
    ).json<ShareRequest>();
    expect(again).toMatchObject({
      status: 'prereview',
      purpose: '补充：企业开办核验',
      currentStep: { kind: 'admin_prereview', round: 2 },
    });
    expect(again.steps.map((s) => `${s.kind}:${s.round}:${s.decision}`)).toEqual([
      'admin_prereview:1:return',
      'admin_prereview:2:null',
    ]);
    const queue = expectStatus(await get(t, '/api/sharing/requests?box=prereview&pageSize=200', admin), 200).json<{
      items: Array<{ id: string }>;
    }>();
    expect(queue.items.map((i) => i.id)).toContain(request.id);
  });

  it('refuses a provider rejection without basis and reason; with both it reaches the consumer (Art 14)', async () => {
    const { request, provider, consumer } = await conditionalRequest(t);
    expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/prereview`, await platformAdmin(t), { decision: 'forward' }),
      200,
    );
    const bare = await post(t, `/api/sharing/requests/${request.id}/decision`, provider.leader, {
      decision: 'reject',
      reason: '数据涉及商业秘密',
    });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error).toMatchObject({
      code: 'SHARING_DECISION_INVALID',
      details: { problems: [{ field: 'basis', messageZh: '拒绝共享须说明法律法规或政策依据' }] },
    });
    const none = await post(t, `/api/sharing/requests/${request.id}/decision`, provider.leader, { decision: 'reject' });
    expect(none.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual(['basis', 'reason']);
    const done = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/decision`, provider.leader, {
        decision: 'reject',
        basis: '《中华人民共和国反不正当竞争法》第九条',
        reason: '数据涉及商业秘密',
      }),
      200,
    ).json<ShareRequest>();
    expect(done).toMatchObject({ status: 'rejected', grant: null });
    expect(done.steps.at(-1)).toMatchObject({
      decision: 'reject',
      basis: '《中华人民共和国反不正当竞争法》第九条',
      reason: '数据涉及商业秘密',
    });
    expect((await inboxKinds(consumer.specialist)).find((n) => n.kind === 'sharing.request.rejected')!.body).toContain(
      '反不正当竞争法',
    );
  });

  it('lets only the providing department answer, and only the applying department withdraw', async () => {
    const { request, consumer, provider } = await conditionalRequest(t);
    expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/prereview`, await platformAdmin(t), { decision: 'forward' }),
      200,
    );
    const bystander = await catalogDepartment(t);
    expect(
      (await post(t, `/api/sharing/requests/${request.id}/decision`, bystander.leader, { decision: 'approve' }))
        .statusCode,
    ).toBe(404);
    expect((await get(t, `/api/sharing/requests/${request.id}/letter`, bystander.user)).statusCode).toBe(404);
    expect(
      (await post(t, `/api/sharing/requests/${request.id}/decision`, consumer.specialist, { decision: 'approve' }))
        .statusCode,
    ).toBe(403);
    const w = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/withdraw`, consumer.user),
      200,
    ).json<ShareRequest>();
    expect(w).toMatchObject({ status: 'withdrawn', currentStep: null });
    expect(w.steps.at(-1)!.decision).toBe('withdrawn');
    // The provider, who was to answer, hears of it.
    expect(
      (await inboxKinds(provider.leader)).some(
        (n) => n.kind === 'sharing.request.withdrawn' && n.link === `/console/sharing/requests/${request.id}`,
      ),
    ).toBe(true);
    expect((await post(t, `/api/sharing/requests/${request.id}/withdraw`, consumer.user)).json().error.code).toBe(
      'SHARING_NOT_OPEN',
    );
  });

  it('shows each department its own requests and the platform all of them', async () => {
    const a = await conditionalRequest(t);
    const b = await conditionalRequest(t);
    const mine = expectStatus(await get(t, '/api/sharing/requests?box=mine', a.consumer.user), 200).json<{
      items: Array<{ id: string }>;
      total: number;
    }>();
    expect(mine.items.map((i) => i.id)).toEqual([a.request.id]);
    const admin = expectStatus(await get(t, '/api/sharing/requests?pageSize=200', await platformAdmin(t)), 200).json<{
      items: Array<{ id: string }>;
    }>();
    expect(admin.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.request.id, b.request.id]));
    const byName = expectStatus(
      await get(t, `/api/sharing/requests?q=${encodeURIComponent(b.request.no)}`, await platformAdmin(t)),
      200,
    ).json<{ items: Array<{ id: string }> }>();
    expect(byName.items.map((i) => i.id)).toEqual([b.request.id]);
  });

  it('lets the auditor read every request and grant, to follow an audit event to its record, and act on none', async () => {
    const { request } = await conditionalRequest(t);
    const { entry } = await sharedEntry(t, 'unconditional');
    const granted = expectStatus(
      await submitRequest(t, (await catalogDepartment(t)).user, entry, { letterId: null, method: 'api' }),
      201,
    ).json<ShareRequest>();
    const auditor = await session(t, ['auditor'], { departmentId: null });
    const read = expectStatus(await get(t, `/api/sharing/requests/${request.id}`, auditor), 200).json<ShareRequest>();
    expect(read.actions).toEqual({ prereview: false, decide: false, resubmit: false, withdraw: false });
    const list = expectStatus(
      await get(t, `/api/sharing/grants?q=${encodeURIComponent(granted.grant!.no)}`, auditor),
      200,
    ).json<{ items: Array<{ id: string }> }>();
    expect(list.items.map((g) => g.id)).toEqual([granted.grant!.id]);
    const grant = expectStatus(await get(t, `/api/sharing/grants/${granted.grant!.id}`, auditor), 200).json<{
      actions: { revoke: boolean; renew: boolean };
    }>();
    expect(grant.actions).toEqual({ revoke: false, renew: false });
    // Reading is all: the steps and the grant's changes stay with those who own them.
    expect(
      (await post(t, `/api/sharing/requests/${request.id}/prereview`, auditor, { decision: 'forward' })).statusCode,
    ).toBe(403);
    expect(
      (await post(t, `/api/sharing/grants/${granted.grant!.id}/revoke`, auditor, { reason: '审计员不应能撤销' }))
        .statusCode,
    ).toBe(403);
    expect((await submitRequest(t, auditor, entry, { letterId: null })).statusCode).toBe(403);
  });
});
