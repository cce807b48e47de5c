import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, publishedEntry } from '../catalog/factory';
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

  it('keeps every save as a revision; an operation taken away from grant holders is answered a month more, and they are told (R-07)', async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const { consumer } = await consumerOf(t, entry);
    const fewer = OPERATIONS.filter((o) => o.id !== 'getPerson');
    const saved = expectStatus(
      await put(entry.id, provider.specialist, upstreamInput(up.url, { operations: fewer })),
      200,
    ).json<Upstream>();
    expect(saved.revision).toBe(2);
    const revisions = expectStatus(
      await get(t, `/api/gateway/upstreams/${entry.id}/revisions`, provider.specialist),
      200,
    ).json<{
      items: Array<{ revision: number; removed: string[] }>;
    }>();
    expect(revisions.items.map((r) => [r.revision, r.removed])).toEqual([
      [2, ['getPerson']],
      [1, []],
    ]);
    const inbox = expectStatus(await get(t, '/api/inbox?pageSize=50', consumer.specialist), 200).json<{
      items: Array<{ kind: string; title: string }>;
    }>();
    // Told a month ahead (2026-11-24 + one month), as R-07 wants of a change that affects consumers.
    expect(inbox.items.find((n) => n.kind === 'gateway.operations.removed')?.title).toBe(
      `服务接口操作将于 2026-12-24 下线：${entry.current!.name}（getPerson）`,
    );
    expect(saved.retiring).toEqual([
      { id: 'getPerson', method: 'GET', path: '/persons/{id}', retireAt: '2026-12-24T02:00:00.000Z' },
    ]);
    // Put back, it is no longer retiring; taken away from an entry nobody holds a grant on, it goes at once.
    const back = expectStatus(await put(entry.id, provider.specialist, upstreamInput(up.url)), 200).json<Upstream>();
    expect(back.retiring).toEqual([]);
    const lonely = await serviceEntry(t, up.url);
    const gone = expectStatus(
      await put(lonely.entry.id, lonely.provider.specialist, upstreamInput(up.url, { operations: fewer })),
      200,
    ).json<Upstream>();
    expect(gone.retiring).toEqual([]);
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
