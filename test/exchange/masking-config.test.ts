import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { resolveAccess } from '../../src/server/modules/exchange-delivery/data-access';
import { mask, parseRuleSpec } from '../../src/server/platform/masking';
import type { Masking } from '../../src/server/modules/exchange-delivery/masking-schemas';
import { boundEntry, corpSource, corpUscc as uscc, grantItems, USCC_RULE, type CorpSource } from './pull-fixtures';

/** masking configured per data item and channel, and its effect on what a consumer reads. */

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let apiConsumer: CatalogDepartment;
let tableConsumer: CatalogDepartment;
const FIRST_NINE_DIGITS = 'regex:/\\d{9}/#########/';

const grant = (consumer: CatalogDepartment, method: string) =>
  grantItems(t, b.entry, consumer, method, ['corp_id', 'uscc', 'corp_name']);

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(20);
  b = await boundEntry(t, src, { shareMethods: ['table', 'api'] });
  await runPull(t.ctx, b.binding.id);
  apiConsumer = await catalogDepartment(t);
  tableConsumer = await catalogDepartment(t);
  await grant(apiConsumer, 'api');
  await grant(tableConsumer, 'table');
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const url = () => `/api/exchange/entries/${b.entry.id}/masking`;
const getMasking = (s: Session) => t.inject({ method: 'GET', url: url(), headers: s.headers });
const putMasking = (s: Session, payload: Array<{ field: string; channel: string; rule: string }>) =>
  t.inject({ method: 'PUT', url: url(), headers: s.headers, payload });
const preview = (s: Session, payload: { rule: string; value: string }) =>
  t.inject({ method: 'POST', url: `${url()}/preview`, headers: s.headers, payload });
/** Row 5 as the API consumer reads it through the query API. */
const apiRow = async () =>
  expectStatus(
    await t.inject({
      method: 'GET',
      url: `/api/v1/data/${b.entry.code}/records?filter=corp_id:5`,
      headers: apiConsumer.user.headers,
    }),
    200,
  ).json<{ items: Array<Record<string, string>>; columns: Array<{ field: string; masked: boolean }> }>();

describe('masking configuration (R-43)', () => {
  it('lists every item with its catalog text, the suggestion, nothing configured, and the rule codes with examples', async () => {
    const m = expectStatus(await getMasking(b.provider.specialist), 200).json<Masking>();
    expect(m.channels).toEqual(['table', 'api']);
    expect(m.items.map((i) => i.field)).toEqual(['corp_id', 'uscc', 'corp_name', 'reg_date', 'active', 'capital']);
    const u = m.items.find((i) => i.field === 'uscc')!;
    expect(u).toMatchObject({
      name: '统一社会信用代码',
      sensitivity: 'personal',
      catalogRule: '保留前6位和后4位，其余以*代替',
      // The catalog's text asks for the first 6 and last 4, more than the credit-code rule keeps.
      suggested: { rule: 'keep:6,4', label: { zh: '保留首尾（前6后4）', en: 'Keep ends (first 6, last 4)' } },
      configured: { '*': null, table: null, file: null, api: null },
      effective: { api: { rule: 'keep:6,4' }, table: { rule: 'keep:6,4' } },
    });
    expect(m.updatedAt).toBeNull();
    const mobile = m.ruleCodes.find((r) => r.code === 'mobile')!;
    expect(mobile.example).toEqual({ rule: 'mobile', value: '13812345678', masked: '138****5678' });
    expect(m.ruleCodes.find((r) => r.code === 'keep')!.example.masked).toBe('AB1*****78CD');
    // A leader of the department reads it too; the department's plain users have no exchange.read.
    expectStatus(await getMasking(b.provider.leader), 200);
    expect((await getMasking(b.provider.user)).statusCode).toBe(403);
  });

  it('previews a rule on a typed value, regex included, and explains a bad one in both languages', async () => {
    expect(
      expectStatus(await preview(b.provider.specialist, { rule: 'mobile', value: '13812345678' }), 200).json(),
    ).toEqual({ rule: 'mobile', label: { zh: '手机号', en: 'Mobile number' }, masked: '138****5678' });
    expect(
      expectStatus(await preview(b.provider.specialist, { rule: ' keep:2,1 ', value: 'ABCDEF' }), 200).json(),
    ).toMatchObject({ rule: 'keep:2,1', label: { zh: '保留首尾（前2后1）' }, masked: 'AB***F' });
    expect(
      expectStatus(
        await preview(b.provider.specialist, { rule: 'regex:/(\\d{3})\\d+/$1***/', value: '编号1234567' }),
        200,
      ).json().masked,
    ).toBe('编号123***');
    const bad = await preview(b.provider.specialist, { rule: 'regex:/(a+)+/x/', value: 'aaa' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'MASK_REGEX_UNSAFE' });
    expect(bad.json().error.messageZh).toContain('回溯');
    const other = await catalogDepartment(t);
    expect((await preview(other.specialist, { rule: 'mobile', value: '13812345678' })).statusCode).toBe(403);
  });

  it('refuses unknown fields, bad rules and duplicates, naming each field in Chinese and English', async () => {
    const res = await putMasking(b.provider.specialist, [
      { field: 'nope', channel: '*', rule: 'redact' },
      { field: 'uscc', channel: 'api', rule: 'keep:1' },
      { field: 'corp_name', channel: '*', rule: 'mask_it' },
      { field: 'corp_id', channel: '*', rule: 'none' },
      { field: 'corp_id', channel: '*', rule: 'redact' },
    ]);
    expect(res.statusCode).toBe(400);
    const e = res.json().error;
    expect(e.code).toBe('EXCHANGE_MASKING_INVALID');
    expect(e.message).toContain('nope (*)');
    expect(e.messageZh).toContain('没有此字段的信息项');
    expect(e.messageZh).toContain('另有3处');
    expect(
      e.details.problems.map((p: { field: string; channel: string; code: string }) => [p.field, p.channel, p.code]),
    ).toEqual([
      ['nope', '*', 'MASKING_FIELD_UNKNOWN'],
      ['uscc', 'api', 'MASK_RULE_INVALID'],
      ['corp_name', '*', 'MASK_RULE_UNKNOWN'],
      ['corp_id', '*', 'MASKING_DUPLICATE'],
    ]);
    expect(e.details.problems[1].messageZh).toMatch(/^统一社会信用代码（uscc，接口）：/);
    expect(
      (await putMasking(b.provider.specialist, [{ field: 'uscc', channel: 'email', rule: 'redact' }])).statusCode,
    ).toBe(400);
    // Nothing was stored.
    expect(expectStatus(await getMasking(b.provider.specialist), 200).json<Masking>().updatedAt).toBeNull();
  });

  it('lets only the providing department’s specialist or the platform change it', async () => {
    const other = await catalogDepartment(t);
    const body = [{ field: 'uscc', channel: '*', rule: 'redact' }];
    expect((await putMasking(other.specialist, body)).json().error.code).toBe('FORBIDDEN');
    expect((await getMasking(other.specialist)).statusCode).toBe(403);
    expect((await putMasking(b.provider.leader, body)).statusCode).toBe(403);
    expect((await putMasking(apiConsumer.specialist, body)).statusCode).toBe(403);
    const admin = await platformAdmin(t);
    expectStatus(await putMasking(admin, body), 200);
    expectStatus(await putMasking(admin, []), 200);
  });

  it('masks the api consumer’s reads by the api override, else the * rule; none unmasks; other channels keep theirs', async () => {
    expect((await apiRow()).items[0]!.uscc).toBe(mask(USCC_RULE, uscc(5)));

    const saved = expectStatus(
      await putMasking(b.provider.specialist, [
        { field: 'uscc', channel: '*', rule: 'keep:2,2' },
        { field: 'uscc', channel: 'api', rule: FIRST_NINE_DIGITS },
        { field: 'uscc', channel: 'table', rule: 'redact' },
        { field: 'corp_name', channel: '*', rule: 'regex:/\\d+/#/' },
      ]),
      200,
    ).json<Masking>();
    const u = saved.items.find((i) => i.field === 'uscc')!;
    expect(u.configured).toEqual({ '*': 'keep:2,2', table: 'redact', file: null, api: FIRST_NINE_DIGITS, open: null });
    expect(u.effective.file.rule).toBe('keep:2,2');
    expect(saved.updatedAt).not.toBeNull();

    let r = await apiRow();
    expect(r.items[0]).toEqual({
      corp_id: '5',
      uscc: `#########${uscc(5).slice(9)}`,
      corp_name: '上饶测试企业#有限公司',
    });
    expect(r.columns.map((c) => [c.field, c.masked])).toEqual([
      ['corp_id', false],
      ['uscc', true],
      ['corp_name', true],
    ]);

    // The table channel (what a push job reads) gets its own override; the * rule covers what it does not override.
    const table = await resolveAccess(
      t.ctx,
      { departmentId: tableConsumer.id, roles: ['dept_user'] },
      b.entry.code,
      'push',
    );
    expect(table.columns.map((c) => [c.column, c.rule.code])).toEqual([
      ['corp_id', 'none'],
      ['uscc', 'redact'],
      ['corp_name', 'regex'],
    ]);

    // Without the api override the * rule applies to the api consumer.
    expectStatus(await putMasking(b.provider.specialist, [{ field: 'uscc', channel: '*', rule: 'keep:2,2' }]), 200);
    expect((await apiRow()).items[0]!.uscc).toBe(mask(parseRuleSpec('keep:2,2'), uscc(5)));
    expect((await apiRow()).items[0]!.corp_name).toBe('上饶测试企业5有限公司');

    // 'none' configured explicitly passes the value unmasked, and the column may then be filtered on.
    expectStatus(
      await putMasking(b.provider.specialist, [
        { field: 'uscc', channel: '*', rule: 'keep:2,2' },
        { field: 'uscc', channel: 'api', rule: 'none' },
      ]),
      200,
    );
    r = await apiRow();
    expect(r.items[0]!.uscc).toBe(uscc(5));
    expect(r.columns.find((c) => c.field === 'uscc')!.masked).toBe(false);
    const filtered = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/v1/data/${b.entry.code}/records?filter=uscc:${uscc(7)}`,
        headers: apiConsumer.user.headers,
      }),
      200,
    ).json();
    expect(filtered.items.map((x: { corp_id: string }) => x.corp_id)).toEqual(['7']);

    // The provider still reads every value as stored.
    const own = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/v1/data/${b.entry.code}/records?filter=corp_id:5`,
        headers: b.provider.user.headers,
      }),
      200,
    ).json();
    expect(own.items[0].uscc).toBe(uscc(5));
  });

  it('audits each change with the rules before and after', async () => {
    const events = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'detail', 'row_count', 'target_id'])
      .where('action', '=', 'exchange.masking.save')
      .where('user_id', '=', b.provider.specialist.id)
      .orderBy('seq')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(4);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ category: 'maintain', target_id: b.entry.id, row_count: 1 });
    expect(last.detail).toMatchObject({ changes: [{ field: 'uscc', channel: 'api', from: null, to: 'none' }] });
  });
});
