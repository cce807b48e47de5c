import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { entryInput, item } from '../catalog/factory';
import { ROLES, type Role } from '../../src/server/platform/rbac/roles';
import { can, isPermission, type RouteAccess } from '../../src/server/platform/rbac/permissions';

let t: TestApp;
const sessions = new Map<Role, { cookie: string }>();
beforeAll(async () => {
  t = await testApp();
  for (const role of ROLES) sessions.set(role, await t.login((await t.user([role])).username));
});
afterAll(() => t.close());

const CJK = /[\u4e00-\u9fff]/;
/** Words of AJV's English text; none may appear in a Chinese message. */
const AJV_ENGLISH = /\b(must|should|have|property|properties|equal|allowed|characters|format|match)\b/i;
const NO_ID = '00000000-0000-4000-8000-000000000000';

interface Detail {
  field: string;
  path: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  messageZh: string;
}
interface ValidationBody {
  error: { code: string; message: string; messageZh: string; details: Detail[] };
}

/** Well-formed path parameters, so validation gets past the path to the body. */
function concrete(url: string): string {
  return url
    .replace(/:id\b/g, NO_ID)
    .replace(/:\w+Id\b/g, NO_ID)
    .replace(/:code\b/g, '361100')
    .replace(/:date\b/g, '2026-01-05')
    .replace(/:prefix\b/g, '1')
    .replace(/:seq\b/g, '000001')
    .replace(/:(\w+)/g, 'x');
}

/**
 * The guard runs on onRequest, before validation (Fastify validates after preValidation), so each
 * route is called by a role that holds its permission; null when no staff role does.
 */
function sessionFor(access: RouteAccess): { cookie: string } | undefined | null {
  if (access === 'public') return undefined;
  if (!isPermission(access)) return sessions.get('platform_admin');
  const role = (['platform_admin', ...ROLES] as Role[]).find((r) => can([r], access));
  return role ? sessions.get(role) : null;
}

async function send(method: string, url: string, payload: unknown, session?: { cookie: string } | null) {
  return t.inject({
    method: method as 'POST',
    url,
    payload: JSON.stringify(payload),
    headers: { ...session, 'content-type': 'application/json' },
  });
}

async function rejected(method: string, url: string, payload: unknown, session?: { cookie: string } | null) {
  const res = await send(method, url, payload, session);
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json<ValidationBody>();
  expect(body.error.code).toBe('VALIDATION_FAILED');
  return body.error;
}

/** What every validation answer must carry: an English and a Chinese text, overall and per field. */
function bilingualProblems(e: ValidationBody['error']): string[] {
  const problems: string[] = [];
  if (!e.message.startsWith('Invalid input: ')) problems.push(`message: ${e.message}`);
  if (!CJK.test(e.messageZh) || AJV_ENGLISH.test(e.messageZh)) problems.push(`messageZh: ${e.messageZh}`);
  if (!Array.isArray(e.details) || e.details.length === 0) problems.push('no details');
  for (const d of e.details ?? []) {
    if (!d.field) problems.push(`detail without field: ${JSON.stringify(d)}`);
    if (!d.message || CJK.test(d.message)) problems.push(`detail message: ${d.message}`);
    if (!d.messageZh || !CJK.test(d.messageZh) || AJV_ENGLISH.test(d.messageZh))
      problems.push(`detail messageZh: ${d.messageZh}`);
    if (typeof d.path !== 'string' || !d.keyword || typeof d.params !== 'object') problems.push('detail keys');
  }
  return problems;
}

describe('validation messages in English and Chinese (issue #11 point 7)', () => {
  it('answers an invalid body on every POST/PUT/PATCH route with field-level messages in both languages', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const failures: string[] = [];
    const checked: string[] = [];
    for (const r of t.app.routeTable) {
      if (!['POST', 'PUT', 'PATCH'].includes(r.method)) continue;
      const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      // Routes without a JSON body schema have nothing to validate: actions without a body, and the
      // multipart uploads (catalog Excel import, exchange upload and files), whose parts the handlers check.
      const schema = op?.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      const session = sessionFor(r.access);
      if (session === null) {
        failures.push(`${r.method} ${r.url}: no role holds ${r.access}`);
        continue;
      }
      const url = concrete(r.url);
      const label = `${r.method} ${r.url}`;
      checked.push(label);
      // The wrong type for the whole body: every schema rejects it at its root.
      const wrongType = schema.type === 'array' ? {} : [];
      const whole = await send(r.method, url, wrongType, session);
      if (whole.statusCode !== 400 || whole.json().error?.code !== 'VALIDATION_FAILED') {
        failures.push(`${label} (wrong type) → ${whole.statusCode} ${whole.body.slice(0, 200)}`);
        continue;
      }
      const e = whole.json<ValidationBody>().error;
      const expectedZh = schema.type === 'array' ? '应当是 数组 类型' : '应当是 对象 类型';
      if (e.details[0]?.field !== 'body' || e.details[0]?.messageZh !== expectedZh)
        failures.push(`${label} (wrong type): ${JSON.stringify(e.details)}`);
      failures.push(...bilingualProblems(e).map((p) => `${label} (wrong type): ${p}`));
      if (schema.type !== 'object' || schema.additionalProperties !== false) continue;
      // An object the schema refuses field by field: a required field is missing or the name is unknown.
      const fieldwise = await send(r.method, url, { zzUnknownField: 1 }, session);
      if (fieldwise.statusCode !== 400) {
        failures.push(`${label} (unknown field) → ${fieldwise.statusCode} ${fieldwise.body.slice(0, 200)}`);
        continue;
      }
      const f = fieldwise.json<ValidationBody>().error;
      if (f.details.some((d) => d.field === 'body' || d.field.startsWith('params.')))
        failures.push(`${label} (unknown field): not field-level: ${JSON.stringify(f.details)}`);
      failures.push(...bilingualProblems(f).map((p) => `${label} (unknown field): ${p}`));
    }
    expect(failures).toEqual([]);
    // 50 routes with a JSON body when this test was written; fewer means some were silently missed.
    expect(checked.length).toBeGreaterThanOrEqual(50);
  });

  const admin = () => sessions.get('platform_admin')!;
  const region = { code: '361198', name: '测试区', level: 'county', parentCode: '361100' };

  it('names a missing required field', async () => {
    const { name: _omitted, ...noName } = region;
    const e = await rejected('POST', '/api/regions', noName, admin());
    expect(e.details).toEqual([
      {
        field: 'name',
        path: '',
        keyword: 'required',
        params: { missingProperty: 'name' },
        message: 'must have required property name',
        messageZh: '应当有必需属性 name',
      },
    ]);
    expect(e.message).toBe('Invalid input: body must have required property name');
    expect(e.messageZh).toBe('输入数据不符合要求：请求体 应当有必需属性 name');
  });

  it('names a string that is too long, also inside an array', async () => {
    const e = await rejected('POST', '/api/regions', { ...region, name: '区'.repeat(51) }, admin());
    expect(e.details.map((d) => [d.field, d.messageZh])).toEqual([['name', '不应多于 50 个字符']]);
    expect(e.messageZh).toBe('输入数据不符合要求：name 不应多于 50 个字符');
    expect(e.message).toBe('Invalid input: name must NOT be longer than 50 characters');

    const specialist = sessions.get('dept_specialist')!;
    const input = entryInput({ items: [item(), item({ name: '项'.repeat(101) })] });
    const nested = await rejected('POST', '/api/catalog/entries', input, specialist);
    expect(nested.details.map((d) => [d.field, d.path, d.messageZh])).toEqual([
      ['items[1].name', '/items/1/name', '不应多于 100 个字符'],
    ]);
    expect(nested.messageZh).toBe('输入数据不符合要求：items[1].name 不应多于 100 个字符');
  });

  it('names a bad date or UUID in Chinese, also in the path', async () => {
    const renew = await rejected('POST', `/api/sharing/grants/${NO_ID}/renew`, { validTo: '2026-13-45' }, admin());
    expect(renew.details.map((d) => [d.field, d.keyword, d.messageZh])).toEqual([
      ['validTo', 'format', '应当匹配格式 "日期（YYYY-MM-DD）"'],
    ]);
    expect(renew.details[0]!.message).toBe('must match format "date"');

    // A nullable UUID: the answer is the format, not "must be null" and "must match a schema in anyOf".
    const parent = await rejected('PATCH', `/api/departments/${NO_ID}`, { parentId: 'not-a-uuid' }, admin());
    expect(parent.details.map((d) => [d.field, d.messageZh])).toEqual([['parentId', '应当匹配格式 "UUID"']]);

    const path = await rejected('PATCH', '/api/departments/not-a-uuid', { name: '部门' }, admin());
    expect(path.details.map((d) => [d.field, d.messageZh])).toEqual([['params.id', '应当匹配格式 "UUID"']]);
    expect(path.messageZh).toBe('输入数据不符合要求：路径参数 id 应当匹配格式 "UUID"');
    expect(path.message).toBe('Invalid input: params.id must match format "uuid"');
  });

  it('lists the allowed values of an enumeration, whether enum or a union of literals', async () => {
    const e = await rejected('POST', '/api/regions', { ...region, level: 'town' }, admin());
    expect(e.details.map((d) => [d.field, d.keyword, d.messageZh])).toEqual([
      ['level', 'enum', '应当是预设定的枚举值之一：province、city、county、zone'],
    ]);
    expect(e.details[0]!.message).toBe('must be equal to one of the allowed values: province, city, county, zone');

    const leader = sessions.get('dept_leader')!;
    const review = await rejected('POST', `/api/catalog/versions/${NO_ID}/dept-review`, { decision: 'maybe' }, leader);
    expect(review.details.map((d) => [d.field, d.keyword, d.messageZh])).toEqual([
      ['decision', 'enum', '应当是预设定的枚举值之一：approve、reject'],
    ]);
  });

  it('answers query-string errors the same way', async () => {
    const e = await rejected('GET', '/api/inbox?page=0', undefined, admin());
    expect(e.details.map((d) => [d.field, d.messageZh])).toEqual([['querystring.page', '应当为 >= 1']]);
    expect(e.messageZh).toBe('输入数据不符合要求：查询参数 page 应当为 >= 1');
    const wrongType = await rejected('GET', '/api/inbox?unread=perhaps', undefined, admin());
    expect(wrongType.details.map((d) => [d.field, d.messageZh])).toEqual([
      ['querystring.unread', '应当是 布尔值 类型'],
    ]);
  });
});
