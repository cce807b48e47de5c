import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, platformAdmin, publishedEntry, type Session } from '../catalog/factory';
import { get, post } from '../sharing/factory';
import type { Upstream } from '../../src/server/modules/gateway/schemas';
import { approvedConsumer, consumerOf, ITEMS, OPERATIONS, serviceEntry, upstreamInput } from './fixtures';
import { startUpstream, UPSTREAM_KEY, type UpstreamDouble } from './upstream-double';

let t: TestApp;
let up: UpstreamDouble;
beforeAll(async () => {
  t = await testApp();
  up = await startUpstream();
});
afterAll(async () => {
  await t.close();
  await up.close();
});

const codeOf = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;
const put = (entryId: string, s: { headers: { cookie: string } }, payload: unknown) =>
  t.inject({ method: 'PUT', url: `/api/gateway/upstreams/${entryId}`, headers: s.headers, payload: payload as object });

describe('upstream registration (R-23, Art 12)', () => {
  it("proposes operations and field mappings from the upstream's own OpenAPI document", async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const described = expectStatus(
      await post(t, `/api/gateway/upstreams/${entry.id}/describe`, provider.specialist, {
        specKind: 'openapi',
        url: `${up.url}/openapi.json`,
      }),
      200,
    ).json<{ operations: Upstream['operations'] }>();
    expect(described.operations).toEqual([
      {
        id: 'listPersons',
        method: 'GET',
        path: '/persons',
        summary: '人员列表',
        responseFormat: 'json',
        fields: [
          { path: '$.data[*].name', field: 'name' },
          { path: '$.data[*].phone', field: 'phone' },
          { path: '$.data[*].address.city', field: 'city' },
        ],
      },
      {
        id: 'getPerson',
        method: 'GET',
        path: '/persons/{id}',
        summary: '单个人员',
        responseFormat: 'json',
        fields: [
          { path: '$.name', field: 'name' },
          { path: '$.phone', field: 'phone' },
          { path: '$.address.city', field: 'city' },
        ],
      },
    ]);
    const notSpec = await post(t, `/api/gateway/upstreams/${entry.id}/describe`, provider.specialist, {
      specKind: 'openapi',
      spec: '{"swagger": "2.0"}',
    });
    expect(notSpec.json().error.code).toBe('GATEWAY_SPEC_INVALID');
    const wsdl = expectStatus(
      await post(t, `/api/gateway/upstreams/${entry.id}/describe`, provider.specialist, {
        specKind: 'wsdl',
        spec: WSDL,
      }),
      200,
    ).json<{ operations: Upstream['operations'] }>();
    expect(wsdl.operations).toEqual([
      expect.objectContaining({
        id: 'QueryPerson',
        method: 'POST',
        path: '/soap',
        soapAction: 'urn:sr:persons#Query',
        responseFormat: 'xml',
      }),
    ]);
  });

  it('checks a registration field by field and keeps its secret out of every answer', async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const bad = await put(entry.id, provider.specialist, {
      ...upstreamInput(up.url),
      operations: [
        {
          ...OPERATIONS[0],
          fields: [
            { path: 'data.name', field: 'name' },
            { path: '$.x', field: 'nope' },
          ],
        },
        { ...OPERATIONS[0] },
      ],
      auth: { kind: 'token', url: 'ftp://x/token', clientId: 'c' },
    });
    expect(bad.statusCode).toBe(400);
    const problems = bad.json().error.details.problems.map((p: { field: string; code: string }) => [p.field, p.code]);
    expect(problems).toEqual([
      ['operations[0].fields[0].path', 'GATEWAY_FIELD_PATH'],
      ['operations[0].fields[1].field', 'GATEWAY_FIELD_UNKNOWN'],
      ['operations[1].id', 'GATEWAY_OPERATION_DUPLICATE'],
      ['operations[1].path', 'GATEWAY_OPERATION_DUPLICATE'],
      ['auth.clientSecret', 'GATEWAY_AUTH_SECRET'],
      ['auth.url', 'GATEWAY_URL'],
    ]);
    const seen = expectStatus(await get(t, `/api/gateway/upstreams/${entry.id}`, provider.specialist), 200);
    expect(seen.json().upstream.auth).toEqual({ kind: 'header', name: 'X-Upstream-Key', secretSet: true });
    expect(seen.body).not.toContain(UPSTREAM_KEY);
    const row = await t.ctx.db
      .selectFrom('gw_upstream')
      .select('auth_secret')
      .where('entry_id', '=', entry.id)
      .executeTakeFirstOrThrow();
    expect(row.auth_secret).not.toContain(UPSTREAM_KEY);
    // The audit log of the save names what changed, never the secret.
    const events = await t.ctx.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'gateway.upstream.save')
      .where('target_id', '=', entry.id)
      .execute();
    expect(events.length).toBe(2);
    expect(JSON.stringify(events)).not.toContain(UPSTREAM_KEY);
  });

  it('lets only the provider register, and only on a 服务接口 entry', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const other = await catalogDepartment(t);
    expect((await put(entry.id, other.specialist, upstreamInput(up.url))).statusCode).toBe(403);
    const table = await publishedEntry(t, { shareMethods: ['table'], items: ITEMS });
    const refused = await put(table.entry.id, table.provider.specialist, upstreamInput(up.url));
    expect(refused.json().error.code).toBe('GATEWAY_ENTRY_NOT_API');
  });

  it('keeps every save as a revision; taking an operation from grant holders waits for platform review, then is answered a month more and they are told (R-07)', async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const { consumer } = await consumerOf(t, entry);
    const admin = await platformAdmin(t);
    const inboxOf = async (s: Session) =>
      expectStatus(await get(t, '/api/inbox?pageSize=50', s), 200).json<{
        items: Array<{ kind: string; title: string }>;
      }>().items;
    const fewer = OPERATIONS.filter((o) => o.id !== 'getPerson');

    // Saved, not applied: the registration stays as it was until the platform decides.
    const saved = expectStatus(
      await put(entry.id, provider.specialist, upstreamInput(up.url, { operations: fewer })),
      200,
    ).json<Upstream>();
    expect(saved.revision).toBe(1);
    expect(saved.operations.map((o) => o.id)).toContain('getPerson');
    expect(saved.pendingChange).toMatchObject({ revision: 2, removed: ['getPerson'] });
    expect((await inboxOf(consumer.specialist)).some((n) => n.kind === 'gateway.operations.removed')).toBe(false);
    // One change at a time: another save is refused until this one is decided or withdrawn.
    expect(codeOf(await put(entry.id, provider.specialist, upstreamInput(up.url)))).toBe('GATEWAY_CHANGE_PENDING');

    // The platform sees it in its list, and only the platform decides.
    const queue = expectStatus(await get(t, '/api/gateway/changes', admin), 200).json<{
      items: Array<{ entryId: string; removed: string[]; entryCode: string }>;
    }>();
    expect(queue.items.find((c) => c.entryId === entry.id)).toMatchObject({
      removed: ['getPerson'],
      entryCode: entry.code,
    });
    expect((await inboxOf(admin)).some((n) => n.kind === 'gateway.change.review')).toBe(true);
    const review = `/api/gateway/upstreams/${entry.id}/change/review`;
    expectStatus(await post(t, review, provider.specialist, { approve: true }), 403);
    expect(codeOf(await post(t, review, admin, { approve: false }))).toBe('GATEWAY_REVIEW_REASON_REQUIRED');

    // Approved ten minutes later: applied then, answered a month from then, the holders told.
    t.clock.advance(10 * 60_000);
    expectStatus(await post(t, review, admin, { approve: true, note: '已核实影响范围' }), 200);
    t.clock.advance(-10 * 60_000);
    const applied = expectStatus(await get(t, `/api/gateway/upstreams/${entry.id}`, provider.specialist), 200).json<{
      upstream: Upstream;
    }>().upstream;
    expect(applied.revision).toBe(2);
    expect(applied.pendingChange).toBeNull();
    expect(applied.retiring).toEqual([
      { id: 'getPerson', method: 'GET', path: '/persons/{id}', retireAt: '2026-12-24T02:10:00.000Z' },
    ]);
    expect((await inboxOf(consumer.specialist)).find((n) => n.kind === 'gateway.operations.removed')?.title).toBe(
      `服务接口操作将于 2026-12-24 下线：${entry.current!.name}（getPerson）`,
    );
    expect((await inboxOf(provider.specialist)).some((n) => n.kind === 'gateway.change.approved')).toBe(true);
    const revisions = expectStatus(
      await get(t, `/api/gateway/upstreams/${entry.id}/revisions`, provider.specialist),
      200,
    ).json<{
      items: Array<{
        revision: number;
        status: string;
        removed: string[];
        reviewNote: string | null;
        entryVersionNo: number;
      }>;
    }>();
    expect(revisions.items.map((r) => [r.revision, r.status, r.removed, r.reviewNote, r.entryVersionNo])).toEqual([
      [2, 'applied', ['getPerson'], '已核实影响范围', 1],
      [1, 'applied', [], null, 1],
    ]);

    // Put back (no operation taken), it applies at once and is no longer retiring.
    const back = expectStatus(await put(entry.id, provider.specialist, upstreamInput(up.url)), 200).json<Upstream>();
    expect(back.retiring).toEqual([]);
    expect(back.revision).toBe(3);

    // Rejected: nothing of it applies, the provider hears why; withdrawn: the same, by the provider.
    expectStatus(await put(entry.id, provider.specialist, upstreamInput(up.url, { operations: fewer })), 200);
    expectStatus(await post(t, review, admin, { approve: false, note: '仍有部门在用，请先协商' }), 200);
    expect((await inboxOf(provider.specialist)).find((n) => n.kind === 'gateway.change.rejected')?.title).toContain(
      '仍有部门在用，请先协商',
    );
    expectStatus(await put(entry.id, provider.specialist, upstreamInput(up.url, { operations: fewer })), 200);
    const withdraw = `/api/gateway/upstreams/${entry.id}/change/withdraw`;
    expectStatus(await post(t, withdraw, provider.specialist), 200);
    expectStatus(await post(t, withdraw, provider.specialist), 404);
    const after = expectStatus(await get(t, `/api/gateway/upstreams/${entry.id}`, provider.specialist), 200).json<{
      upstream: Upstream;
    }>().upstream;
    expect([after.revision, after.pendingChange, after.operations.map((o) => o.id)]).toEqual([
      3,
      null,
      OPERATIONS.map((o) => o.id),
    ]);
    const statuses = expectStatus(
      await get(t, `/api/gateway/upstreams/${entry.id}/revisions`, provider.specialist),
      200,
    ).json<{ items: Array<{ revision: number; status: string }> }>();
    expect(statuses.items.slice(0, 2).map((r) => [r.revision, r.status])).toEqual([
      [5, 'withdrawn'],
      [4, 'rejected'],
    ]);

    // Taken away from an entry nobody holds a grant on, it goes at once, without review.
    const lonely = await serviceEntry(t, up.url);
    const gone = expectStatus(
      await put(lonely.entry.id, lonely.provider.specialist, upstreamInput(up.url, { operations: fewer })),
      200,
    ).json<Upstream>();
    expect([gone.revision, gone.retiring, gone.pendingChange]).toEqual([2, [], null]);
  });
});

const WSDL = `<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:tns="urn:sr:persons" targetNamespace="urn:sr:persons">
  <portType name="PersonPort"><operation name="QueryPerson"/></portType>
  <binding name="PersonBinding" type="tns:PersonPort">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="QueryPerson"><soap:operation soapAction="urn:sr:persons#Query"/></operation>
  </binding>
  <service name="PersonService">
    <port name="PersonPort" binding="tns:PersonBinding"><soap:address location="http://10.0.0.8/soap"/></port>
  </service>
</definitions>`;

describe("a consumer's OpenAPI document (R-23 point 5)", () => {
  it('lists only the operations its grants allow, with the granted items, and nothing of other departments', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { consumer } = await consumerOf(t, entry, ['name', 'city']);
    const doc = expectStatus(await get(t, '/api/gateway/openapi.json', consumer.specialist), 200).json<{
      paths: Record<string, Record<string, { description: string; parameters?: Array<{ name: string }> }>>;
    }>();
    const mine = Object.keys(doc.paths).filter((p) => p.startsWith(`/gw/${entry.code}/`));
    expect(mine.sort()).toEqual(
      ['/echo', '/huge', '/broken', '/persons', '/persons/{id}', '/slow', '/soap']
        .map((p) => `/gw/${entry.code}${p}`)
        .sort(),
    );
    const list = doc.paths[`/gw/${entry.code}/persons`]!.get!;
    expect(list.description).toContain('姓名（name）');
    expect(list.description).toContain('所在城市（city）');
    expect(list.description).not.toContain('公民身份号码');
    expect(doc.paths[`/gw/${entry.code}/persons/{id}`]!.get!.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path' }),
    ]);

    // A department without grants gets an empty document; the provider calls nothing of its own.
    const other = await catalogDepartment(t);
    const empty = expectStatus(await get(t, '/api/gateway/openapi.json', other.user), 200).json<{ paths: object }>();
    expect(empty.paths).toEqual({});
  });

  it('leaves out the operations a grant does not allow', async () => {
    const { entry, provider } = await serviceEntry(t, up.url, 'conditional');
    const { consumer } = await approvedConsumer(t, entry, provider.specialist, { operations: ['getPerson'] });
    const doc = expectStatus(await get(t, '/api/gateway/openapi.json', consumer.user), 200).json<{ paths: object }>();
    expect(Object.keys(doc.paths)).toEqual([`/gw/${entry.code}/persons/{id}`]);
  });
});
