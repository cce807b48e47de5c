import { randomBytes } from 'node:crypto';
import type { TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, item, platformAdmin, publishedEntry, type Session } from '../catalog/factory';
import { post, submitRequest } from '../sharing/factory';
import { sign } from '../../src/server/platform/crypto/request-signing';
import type { ShareRequest } from '../../src/server/modules/sharing/schemas';
import { shanghaiDate } from '../../src/server/platform/calendar/dates';
import { UPSTREAM_KEY } from './upstream-double';

/** The gateway's tests: a 服务接口 entry with a registered upstream, a consumer with a grant and a system. */

export const ITEMS = [
  item({ name: '姓名', fieldName: 'name', sensitivity: 'personal' }),
  item({ name: '公民身份号码', fieldName: 'id_card', length: 18, sensitivity: 'personal' }),
  item({ name: '手机号码', fieldName: 'phone', length: 11 }),
  item({ name: '所在城市', fieldName: 'city' }),
];

const person = (prefix: string) => [
  { path: `${prefix}.name`, field: 'name' },
  { path: `${prefix}.idCard`, field: 'id_card' },
  { path: `${prefix}.phone`, field: 'phone' },
  { path: `${prefix}.address.city`, field: 'city' },
];

export const OPERATIONS = [
  {
    id: 'listPersons',
    method: 'GET',
    path: '/persons',
    summary: '人员列表',
    responseFormat: 'json',
    fields: person('$.data[*]'),
  },
  {
    id: 'getPerson',
    method: 'GET',
    path: '/persons/{id}',
    summary: '单个人员',
    responseFormat: 'json',
    fields: person('$'),
  },
  { id: 'echo', method: 'POST', path: '/echo', summary: '回显', responseFormat: 'json', fields: [] },
  { id: 'slow', method: 'GET', path: '/slow', summary: '慢', responseFormat: 'json', fields: person('$.data[*]') },
  { id: 'huge', method: 'GET', path: '/huge', summary: '大', responseFormat: 'json', fields: person('$.data[*]') },
  { id: 'broken', method: 'GET', path: '/broken', summary: '坏', responseFormat: 'json', fields: person('$.data[*]') },
  {
    id: 'soapQuery',
    method: 'POST',
    path: '/soap',
    summary: 'SOAP 查询',
    responseFormat: 'xml',
    soapAction: 'urn:sr:persons#Query',
    namespaces: { soap: 'http://schemas.xmlsoap.org/soap/envelope/', ns: 'urn:sr:persons' },
    fields: [
      { path: '//ns:person/ns:name', field: 'name' },
      { path: '//ns:person/ns:idCard', field: 'id_card' },
    ],
  },
];

export function upstreamInput(baseUrl: string, over: Record<string, unknown> = {}) {
  return {
    baseUrl,
    specKind: 'openapi',
    operations: OPERATIONS,
    auth: { kind: 'header', name: 'X-Upstream-Key', value: UPSTREAM_KEY },
    timeoutMs: 1_000,
    maxRequestBytes: 1_024,
    maxResponseBytes: 200_000,
    callsPerMinute: 600,
    dailyCallQuota: 10_000,
    ...over,
  };
}

/** A provider's 服务接口 entry with its upstream registered. */
export async function serviceEntry(
  t: TestApp,
  baseUrl: string,
  shareType: 'unconditional' | 'conditional' = 'unconditional',
) {
  const { entry, provider } = await publishedEntry(t, {
    shareType,
    shareMethods: ['api'],
    formatKind: 'service',
    formatType: 'json',
    items: ITEMS,
  });
  expectStatus(
    await t.inject({
      method: 'PUT',
      url: `/api/gateway/upstreams/${entry.id}`,
      headers: provider.specialist.headers,
      payload: upstreamInput(baseUrl),
    }),
    200,
  );
  return { entry, provider };
}

type Entry = Awaited<ReturnType<typeof serviceEntry>>['entry'];

/** A consuming department granted the named items by 服务接口 (unconditional: granted at once), with a system. */
export async function consumerOf(
  t: TestApp,
  entry: Entry,
  fields = ['name', 'id_card', 'city'],
  periodTo = '2027-12-31',
) {
  const consumer = await catalogDepartment(t);
  const itemIds = entry.current!.items.filter((i) => fields.includes(i.fieldName ?? '')).map((i) => i.id);
  const r = expectStatus(
    await submitRequest(t, consumer.user, entry, {
      letterId: null,
      method: 'api',
      itemIds,
      periodFrom: shanghaiDate(t.clock.now()),
      periodTo,
    }),
    201,
  ).json<ShareRequest>();
  const system = await newSystem(t, consumer.specialist);
  return { consumer, grant: r.grant!, system };
}

/** A consumer of a 有条件共享 service entry, approved by the provider with these terms. */
export async function approvedConsumer(t: TestApp, entry: Entry, provider: Session, terms: Record<string, unknown>) {
  const consumer = await catalogDepartment(t);
  const itemIds = entry.current!.items.map((i) => i.id);
  const request = expectStatus(
    await submitRequest(t, consumer.user, entry, { method: 'api', itemIds, periodFrom: shanghaiDate(t.clock.now()) }),
    201,
  ).json<ShareRequest>();
  expectStatus(
    await post(t, `/api/sharing/requests/${request.id}/prereview`, await platformAdmin(t), { decision: 'forward' }),
    200,
  );
  const decided = expectStatus(
    await post(t, `/api/sharing/requests/${request.id}/decision`, provider, { decision: 'approve', terms }),
    200,
  ).json<ShareRequest>();
  return { consumer, grant: decided.grant!, system: await newSystem(t, consumer.specialist) };
}

export interface AppCredentials {
  appKey: string;
  appSecret: string;
  id: string;
}

export async function newSystem(t: TestApp, s: Session, name = '一网通办系统'): Promise<AppCredentials> {
  const res = expectStatus(
    await t.inject({ method: 'POST', url: '/api/gateway/systems', headers: s.headers, payload: { name } }),
    201,
  ).json<{ system: { id: string; appKey: string }; appSecret: string }>();
  return { appKey: res.system.appKey, appSecret: res.appSecret, id: res.system.id };
}

export interface CallOptions {
  method?: string;
  query?: Record<string, string>;
  body?: string | Buffer;
  headers?: Record<string, string>;
  timestamp?: number;
  nonce?: string;
  /** Sign with this secret instead (a wrong one). */
  secret?: string;
}

/** Headers of a request signed as the docs tell a consuming system to sign it. */
export function signedHeaders(t: TestApp, c: AppCredentials, method: string, path: string, o: CallOptions = {}) {
  const timestamp = String(o.timestamp ?? Math.floor(t.clock.now().getTime() / 1000));
  const nonce = o.nonce ?? randomBytes(16).toString('hex');
  const signature = sign(o.secret ?? c.appSecret, {
    method,
    path,
    query: Object.entries(o.query ?? {}),
    timestamp,
    nonce,
    body: o.body ?? '',
  });
  return { 'x-gw-key': c.appKey, 'x-gw-timestamp': timestamp, 'x-gw-nonce': nonce, 'x-gw-signature': signature };
}

/** A signed call over real HTTP to the listening test app. */
export function call(t: TestApp, base: string, c: AppCredentials, path: string, o: CallOptions = {}) {
  const method = o.method ?? 'GET';
  const qs = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
  const url = `${base}${path}${qs}`;
  return fetch(url, {
    method,
    headers: { ...signedHeaders(t, c, method, new URL(url).pathname, o), ...o.headers },
    body: o.body,
  });
}
