import { createHash } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  item,
  platformAdmin,
  publishedEntry,
  session,
  signInAgain,
  type Session,
} from '../catalog/factory';
import { corpSource, corpUscc as uscc, registerMariaSource, type CorpSource } from '../exchange/pull-fixtures';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { mask, parseRuleSpec } from '../../src/server/platform/masking';
import { OPEN_LICENCE } from '../../src/shared/open/licence';

/**
 * R-31 无条件开放: free API keys (shown once, hashed), the open API at /open/api/v1 with the portal's
 * masking and only open items, per-key rate limit and daily quota (429 + Retry-After), per-key
 * statistics, the API's own OpenAPI document, and downloads that carry the dictionary and licence.
 */

let t: TestApp;
let src: CorpSource;
let code: string;
let me: Session;
let other: Session;
const ROWS = 30;
const CLEAR = { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' };
const USCC_OPEN = 'keep:2,2';

/** An open 库表 entry of enterprises on the portal, loaded; 注册资本 is held back from the public (不予开放). */
async function openEntry() {
  const provider = await catalogDepartment(t);
  const { entry } = await publishedEntry(t, {
    provider,
    openType: 'unconditional',
    items: [
      item({ name: '企业编号', fieldName: 'corp_id', dataType: 'I', length: null }),
      item({
        name: '统一社会信用代码',
        fieldName: 'uscc',
        length: 18,
        sensitivity: 'personal',
        maskRule: '保留前6位和后4位，其余以*代替',
        description: '法人和其他组织统一社会信用代码',
      }),
      item({ name: '企业名称', fieldName: 'corp_name', length: 100 }),
      item({ name: '注册资本', fieldName: 'capital', dataType: 'Y', length: 14, openType: 'none' }),
    ],
  });
  const source = await registerMariaSource(t, provider, src);
  const binding = expectStatus(
    await t.inject({
      method: 'PUT',
      url: `/api/exchange/entries/${entry.id}/binding`,
      headers: provider.specialist.headers,
      payload: {
        sourceId: source.id,
        table: 'corp',
        keyColumns: ['id'],
        columnMap: [
          { column: 'corp_id', sourceColumn: 'id' },
          { column: 'uscc', sourceColumn: 'uscc' },
          { column: 'corp_name', sourceColumn: 'name' },
          { column: 'capital', sourceColumn: 'capital' },
        ],
      },
    }),
    200,
  ).json<{ id: string }>();
  await runPull(t.ctx, binding.id);
  expectStatus(
    await t.inject({
      method: 'PUT',
      url: `/api/exchange/entries/${entry.id}/masking`,
      headers: provider.specialist.headers,
      payload: [{ field: 'uscc', channel: 'open', rule: USCC_OPEN }],
    }),
    200,
  );
  for (const s of [provider.leader, await platformAdmin(t)])
    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/open/datasets/${entry.id}/reviews`,
        headers: s.headers,
        payload: { checklist: CLEAR, conclusion: 'pass' },
      }),
      200,
    );
  return entry;
}

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
  code = (await openEntry()).code;
  me = await session(t, ['public_user'], { departmentId: null });
  other = await session(t, ['public_user'], { departmentId: null });
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const get = (url: string, s?: Session) => t.inject({ method: 'GET', url, headers: s?.headers ?? {} });
const call = (path: string, key?: string) =>
  t.inject({ method: 'GET', url: `/open/api/v1${path}`, headers: key ? { 'x-api-key': key } : {} });

async function newKey(s: Session, name = '测试应用'): Promise<{ key: string; id: string; prefix: string }> {
  const res = expectStatus(
    await t.inject({ method: 'POST', url: '/api/portal/me/keys', headers: s.headers, payload: { name } }),
    201,
  ).json<{ key: string; item: { id: string; prefix: string } }>();
  return { key: res.key, id: res.item.id, prefix: res.item.prefix };
}

const stats = async (s: Session, id: string) =>
  expectStatus(await get(`/api/portal/me/keys/${id}/stats`, s), 200).json<{
    days: Array<{ day: string; calls: number; rows: number; refused: number }>;
    totals: { calls: number; rows: number; refused: number };
  }>();

describe('API keys in the user centre', () => {
  it('shows a new key once and keeps only its hash', async () => {
    const k = await newKey(me);
    expect(k.key).toMatch(/^gsk_[A-Za-z0-9_-]{43}$/);
    expect(k.prefix).toBe(k.key.slice(0, 12));
    const row = await t.ctx.db.selectFrom('open_api_key').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(k.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(k.key);

    const list = expectStatus(await get('/api/portal/me/keys', me), 200);
    expect(list.body).not.toContain(k.key);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ id: k.id, prefix: k.prefix, status: 'active', ratePerMinute: 60, dailyQuota: 10000 }),
    );
    const created = await t.ctx.db
      .selectFrom('audit_event')
      .select(['user_id', 'outcome', 'target_name'])
      .where('action', '=', 'open.key.create')
      .where('target_id', '=', k.id)
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({ user_id: me.id, outcome: 'success' });
    expect(created.target_name).toContain(k.prefix);
  });

  it('keeps keys to their owner: another user neither sees, reads nor revokes them', async () => {
    const k = await newKey(me);
    const theirs = expectStatus(await get('/api/portal/me/keys', other), 200).json<{ items: Array<{ id: string }> }>();
    expect(theirs.items.map((i) => i.id)).not.toContain(k.id);
    expect((await get(`/api/portal/me/keys/${k.id}/stats`, other)).statusCode).toBe(404);
    const revoke = await t.inject({ method: 'DELETE', url: `/api/portal/me/keys/${k.id}`, headers: other.headers });
    expect(revoke.statusCode).toBe(404);
    expect((await call('/datasets?pageSize=1', k.key)).statusCode).toBe(200);
    // Staff accounts have no keys to manage.
    const staff = await session(t, ['dept_user']);
    expect((await get('/api/portal/me/keys', staff)).statusCode).toBe(403);
  });

  it('allows five active keys per account', async () => {
    const s = await session(t, ['public_user'], { departmentId: null });
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await newKey(s, `应用${i}`));
    const sixth = await t.inject({
      method: 'POST',
      url: '/api/portal/me/keys',
      headers: s.headers,
      payload: { name: '第六个' },
    });
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().error).toMatchObject({ code: 'OPEN_KEY_LIMIT', messageZh: expect.stringContaining('5') });
    expectStatus(
      await t.inject({ method: 'DELETE', url: `/api/portal/me/keys/${keys[0]!.id}`, headers: s.headers }),
      200,
    );
    await newKey(s, '替换');
  });
});

describe('the open API', () => {
  it('refuses a missing, unknown or revoked key with 401 in Chinese and English', async () => {
    for (const key of [undefined, 'gsk_unknown', 'not-a-key']) {
      const res = await call('/datasets', key);
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({
        code: 'OPEN_API_KEY_INVALID',
        message: expect.stringContaining('API key'),
        messageZh: expect.stringContaining('API 密钥'),
      });
    }
    const k = await newKey(me);
    expect((await call('/datasets', k.key)).statusCode).toBe(200);
    const revoked = expectStatus(
      await t.inject({ method: 'DELETE', url: `/api/portal/me/keys/${k.id}`, headers: me.headers }),
      200,
    ).json();
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await call('/datasets', k.key)).statusCode).toBe(401);
    const event = await t.ctx.db
      .selectFrom('audit_event')
      .select(['user_id', 'outcome'])
      .where('action', '=', 'open.key.disable')
      .where('target_id', '=', k.id)
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ user_id: me.id, outcome: 'success' });
  });

  it('serves the portal’s datasets, only their open items, masked for the public, audited as the key’s owner', async () => {
    const k = await newKey(me);
    const list = expectStatus(await call(`/datasets?pageSize=100`, k.key), 200).json();
    expect(list.items.map((d: { code: string }) => d.code)).toContain(code);

    const meta = expectStatus(await call(`/datasets/${code}`, k.key), 200).json();
    expect(meta).toMatchObject({ code, recordsAvailable: true, licence: { id: OPEN_LICENCE.id } });
    expect(meta.dictionary.map((i: { name: string }) => i.name)).toEqual(['企业编号', '统一社会信用代码', '企业名称']);
    expect(meta.dictionary[1]).toMatchObject({
      field: 'uscc',
      masked: true,
      description: '法人和其他组织统一社会信用代码',
    });
    expect(meta.dictionary[2]).toMatchObject({ field: 'corp_name', masked: false });

    const page = expectStatus(await call(`/datasets/${code}/records?limit=5`, k.key), 200).json();
    expect(page.columns.map((c: { field: string }) => c.field)).toEqual(['corp_id', 'uscc', 'corp_name']);
    expect(page.items).toHaveLength(5);
    for (const r of page.items) {
      expect(Object.keys(r)).not.toContain('capital');
      expect(r.uscc).toBe(mask(parseRuleSpec(USCC_OPEN), uscc(Number(r.corp_id))));
      expect(r.uscc).not.toBe(uscc(Number(r.corp_id)));
    }
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = expectStatus(
      await call(`/datasets/${code}/records?limit=5&cursor=${page.nextCursor}`, k.key),
      200,
    ).json();
    expect(next.items[0].corp_id).not.toBe(page.items[0].corp_id);
    // A held-back item cannot be asked for, nor a masked one filtered on.
    expect((await call(`/datasets/${code}/records?fields=capital`, k.key)).statusCode).toBe(400);
    expect((await call(`/datasets/${code}/records?filter=uscc:${uscc(1)}`, k.key)).statusCode).toBe(400);
    expect((await call('/datasets/ZZ/999999', k.key)).statusCode).toBe(404);

    const events = await t.ctx.db
      .selectFrom('audit_event')
      .select(['user_id', 'row_count', 'detail', 'category'])
      .where('action', '=', 'open.api.records')
      .where('target_id', '=', code)
      .where('outcome', '=', 'success')
      .orderBy('seq')
      .execute();
    expect(events[0]).toMatchObject({ user_id: me.id, row_count: 5, category: 'query', detail: { apiKey: k.prefix } });
    const usage = await stats(me, k.id);
    expect(usage.totals).toMatchObject({ rows: 10 });
    expect(expectStatus(await get(`/api/portal/datasets/${code}`), 200).json().counts.apiCalls).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('limits a key to 60 calls a sliding minute: 429 with Retry-After, then lets it go on', async () => {
    const k = await newKey(me);
    for (let i = 0; i < 60; i++) expectStatus(await call('/datasets?pageSize=1', k.key), 200);
    const refused = await call('/datasets?pageSize=1', k.key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'OPEN_API_RATE_LIMITED', messageZh: expect.any(String) });
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    t.clock.advance(wait * 1000 - 1500);
    expect((await call('/datasets?pageSize=1', k.key)).statusCode).toBe(429);
    t.clock.advance(1500);
    const again = expectStatus(await call('/datasets?pageSize=1', k.key), 200);
    expect(again.headers['x-ratelimit-limit']).toBe('60');

    const s = await stats(me, k.id);
    expect(s.days).toHaveLength(30);
    expect(s.days.at(-1)).toMatchObject({ calls: 61, refused: 2 });
    expect(s.totals).toMatchObject({ calls: 61, refused: 2 });
    const listed = expectStatus(await get('/api/portal/me/keys', me), 200).json<{
      items: Array<{ id: string; callsToday: number; lastUsedAt: string | null }>;
    }>();
    expect(listed.items.find((i) => i.id === k.id)).toMatchObject({ callsToday: 61, lastUsedAt: expect.any(String) });
  });

  it('holds a key to its daily quota until Beijing midnight, counted in the database', async () => {
    const k = await newKey(me);
    await t.ctx.db.updateTable('open_api_key').set({ daily_quota: 3 }).where('id', '=', k.id).execute();
    // 23:59 in Beijing.
    t.clock.set(new Date('2026-11-28T15:59:00Z'));
    for (let i = 0; i < 3; i++) expectStatus(await call('/datasets?pageSize=1', k.key), 200);
    const over = await call('/datasets?pageSize=1', k.key);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('OPEN_API_QUOTA_EXCEEDED');
    expect(over.headers['retry-after']).toBe('60');
    t.clock.advance(59_000);
    expect((await call('/datasets?pageSize=1', k.key)).statusCode).toBe(429);
    t.clock.advance(1_000);
    expectStatus(await call('/datasets?pageSize=1', k.key), 200);

    await signInAgain(t, me);
    const s = await stats(me, k.id);
    expect(s.days.slice(-2)).toEqual([
      { day: '2026-11-28', calls: 3, rows: 0, refused: 2 },
      { day: '2026-11-29', calls: 1, rows: 0, refused: 0 },
    ]);
  });
});

describe('documentation', () => {
  it('publishes its own valid OpenAPI 3 document with the X-API-Key scheme, and a try-it page', async () => {
    const doc = expectStatus(await get('/open/api/v1/openapi.json'), 200).json();
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));
    expect(Object.keys(doc.paths)).toEqual([
      '/datasets',
      '/datasets/{prefix}/{seq}',
      '/datasets/{prefix}/{seq}/records',
    ]);
    expect(doc.servers).toEqual([{ url: '/open/api/v1' }]);
    expect(doc.components.securitySchemes.ApiKeyHeader).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    );
    expect(doc.paths['/datasets/{prefix}/{seq}/records'].get.responses['429'].headers['Retry-After']).toBeTruthy();
    // The staff API's document leaves the open API out.
    const staff = expectStatus(await get('/api/openapi.json'), 200).json();
    expect(Object.keys(staff.paths).some((p) => p.startsWith('/open/'))).toBe(false);
    expect(staff.paths['/api/portal/me/keys']).toBeTruthy();

    const page = expectStatus(await get('/open/api/docs'), 200);
    expect(page.headers['content-type']).toContain('text/html');
    // Swagger UI is started by a script file of its own: the content security policy runs no inline script.
    expect(page.body).not.toMatch(/<script>/);
    const init = expectStatus(await get('/open/api/docs/init.js'), 200);
    expect(init.headers['content-type']).toContain('javascript');
    expect(init.body).toContain('"/open/api/v1/openapi.json"');
    for (const asset of [...page.body.matchAll(/(?:src|href)="(\/api\/docs\/static\/[^"]+)"/g)].map((m) => m[1]!))
      expect((await get(asset)).statusCode, asset).toBe(200);
  });
});

describe('downloads carry the data dictionary and the licence', () => {
  const api = () => `/api/portal/datasets/${code}`;

  it('links CSV and JSON Lines to the dictionary and licence, which are served', async () => {
    for (const format of ['csv', 'jsonl']) {
      const res = expectStatus(await get(`${api()}/download?format=${format}`), 200);
      expect(res.headers['link']).toContain(`<${api()}/dictionary?format=csv>; rel="describedby"`);
      expect(res.headers['link']).toContain('</api/portal/licence>; rel="license"');
    }
    const csv = expectStatus(await get(`${api()}/dictionary?format=csv`), 200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    // trim() drops the BOM too.
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('数据项名称,字段名,数据类型,长度,说明,是否脱敏');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['企业编号', '统一社会信用代码', '企业名称']);
    expect(lines[2]).toMatch(/,是$/);
    const json = expectStatus(await get(`${api()}/dictionary`), 200).json();
    expect(json.items.map((i: { name: string }) => i.name)).not.toContain('注册资本');

    const licence = expectStatus(await get('/api/portal/licence'), 200).json();
    expect(licence).toMatchObject({ id: OPEN_LICENCE.id, title: '上饶市公共数据开放许可协议' });
    const text = expectStatus(await get('/api/portal/licence?format=text'), 200);
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.body).toContain(OPEN_LICENCE.titleZh);
  });

  it('ends an XLSX download with the sheets 数据字典 and 许可协议', async () => {
    const res = expectStatus(await get(`${api()}/download?format=xlsx`), 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['数据', '说明', '数据字典', '许可协议']);
    const dict = wb.getWorksheet('数据字典')!;
    const rows: unknown[][] = [];
    dict.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['数据项名称', '字段名', '数据类型', '长度', '说明', '是否脱敏']);
    expect(rows.slice(1).map((r) => [r[0], r[5]])).toEqual([
      ['企业编号', '否'],
      ['统一社会信用代码', '是'],
      ['企业名称', '否'],
    ]);
    const terms = wb.getWorksheet('许可协议')!;
    expect(terms.getRow(1).getCell(1).value).toBe(OPEN_LICENCE.titleZh);
    expect(String(terms.getRow(2).getCell(1).value)).toContain('免费获取');
  });
});
