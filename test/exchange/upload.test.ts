import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, item, platformAdmin, publishedEntry, type Session } from '../catalog/factory';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { idNumberCheckChar } from '../../src/shared/org/id-number';
import { boundEntry, corpSource } from './pull-fixtures';
import type { UploadReport, UploadResult } from '../../src/server/modules/exchange-ingest/upload-schemas';

/** R-21/R-22 table upload: CSV/XLSX checked row by row, written all or nothing. */

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

const code = (n: number) => completeCreditCode('91361100', String(n).padStart(8, '0'));
const idNumber = (first17: string) => first17 + idNumberCheckChar(first17);

function form(file: Buffer, fileName: string, fields: Record<string, string> = {}) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function upload(s: Session, entryId: string, file: Buffer, fileName: string, fields: Record<string, string> = {}) {
  const body = form(file, fileName, fields);
  return t.inject({
    method: 'POST',
    url: `/api/exchange/entries/${entryId}/upload`,
    headers: { ...s.headers, ...body.headers },
    payload: body.payload,
  });
}

async function corpEntry() {
  return publishedEntry(t, {
    items: [
      item({ name: '统一社会信用代码', fieldName: 'uscc', length: 18 }),
      item({ name: '企业名称', fieldName: 'corp_name', length: 10 }),
      item({ name: '成立日期', fieldName: 'reg_date', dataType: 'D', length: null }),
      item({ name: '注册资本', fieldName: 'capital', dataType: 'Y', length: 14 }),
      item({ name: '是否存续', fieldName: 'active', dataType: 'L', length: null }),
      item({ name: '登记时间', fieldName: 'reg_time', dataType: 'T', length: null }),
      item({ name: '员工人数', fieldName: 'staff', dataType: 'I', length: null }),
      item({ name: '法人身份证号', fieldName: 'legal_id', length: 18 }),
    ],
  });
}

const tableOf = (entryCode: string) => `e_${entryCode.replace('/', '_')}`;
const rowsOf = async (table: string) =>
  (
    await sql<
      Record<string, unknown>
    >`select uscc, corp_name, reg_date::text as reg_date, capital::text as capital, active, reg_time::text as reg_time, staff::text as staff, legal_id from rc.${sql.id(table)} order by uscc`.execute(
      t.ctx.db,
    )
  ).rows;
const count = async (table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from rc.${sql.id(table)}`.execute(t.ctx.db)).rows[0]!.n);

const csv = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n');
const header = 'uscc,corp_name,reg_date,capital,active,reg_time,staff,legal_id';
const good = (n: number, name = `企业${n}`) =>
  `${code(n)},"${name}",2020-01-0${n},"1,234.5",是,2020-01-02 08:30:00,${n * 10},${idNumber(`36110019900101${String(n).padStart(3, '0')}`)}`;

describe('table upload', () => {
  it('upserts a valid CSV by the given key, measures quality and audits the load', async () => {
    const { entry, provider } = await corpEntry();
    const res = expectStatus(
      await upload(provider.specialist, entry.id, csv([header, good(1), good(2), good(3)]), 'corp.csv', {
        keyFields: 'uscc',
      }),
      200,
    ).json<UploadResult>();
    expect(res).toMatchObject({
      mode: 'upsert',
      keyFields: ['uscc'],
      rowsRead: 3,
      rowsWritten: 3,
      rowsDeleted: 0,
      rowsInTable: 3,
      ignoredHeaders: [],
    });
    expect(res.quality?.completeness).toBe(1);
    expect(res.quality?.accuracy).toBe(1);
    const table = tableOf(entry.code);
    const rows = await rowsOf(table);
    expect(rows[0]).toEqual({
      uscc: code(1),
      corp_name: '企业1',
      reg_date: '2020-01-01',
      capital: '1234.5000',
      active: true,
      reg_time: '2020-01-02 08:30:00',
      staff: '10',
      legal_id: idNumber('36110019900101001'),
    });

    // A second file: row 2 changes (only the columns the file has), row 4 is new, rows 1 and 3 stay.
    const again = expectStatus(
      await upload(
        provider.specialist,
        entry.id,
        csv(['uscc,corp_name,active', `${code(2)},新名称,否`, `${code(4)},企业4,1`]),
        'more.csv',
        { keyFields: 'uscc' },
      ),
      200,
    ).json<UploadResult>();
    expect(again).toMatchObject({ rowsWritten: 2, rowsInTable: 4, columns: ['uscc', 'corp_name', 'active'] });
    const after = await rowsOf(table);
    expect(after.map((r) => [r.corp_name, r.active, r.staff])).toEqual([
      ['企业1', true, '10'],
      ['新名称', false, '20'],
      ['企业3', true, '30'],
      ['企业4', true, null],
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'exchange.upload')
      .where('target_id', '=', entry.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => [a.category, a.outcome, Number(a.row_count)])).toEqual([
      ['aggregate', 'success', 3],
      ['aggregate', 'success', 2],
    ]);
  });

  it('loads the first sheet of an XLSX whose header names the items in Chinese', async () => {
    const { entry, provider } = await corpEntry();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    ws.addRow(['统一社会信用代码', '企业名称', '成立日期', '注册资本', '是否存续', '登记时间', '员工人数', '备注']);
    ws.addRow([
      code(7),
      '企业七',
      new Date(Date.UTC(2021, 4, 6)),
      1000000,
      true,
      new Date(Date.UTC(2021, 4, 6, 9, 15, 0)),
      12,
      '不导入',
    ]);
    ws.addRow([
      code(8),
      { richText: [{ text: '企业' }, { text: '八' }] },
      '2021-05-07',
      2.5,
      '否',
      '2021-05-07T10:00',
      3,
      '',
    ]);
    wb.addWorksheet('说明').addRow(['这张表不读']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const res = expectStatus(
      await upload(provider.specialist, entry.id, file, '企业.xlsx', { keyFields: '统一社会信用代码' }),
      200,
    ).json<UploadResult>();
    expect(res).toMatchObject({ rowsRead: 2, rowsWritten: 2, keyFields: ['uscc'], ignoredHeaders: ['备注'] });
    const rows = await rowsOf(tableOf(entry.code));
    expect(rows.map((r) => [r.corp_name, r.reg_date, r.capital, r.active, r.reg_time, r.staff])).toEqual([
      ['企业七', '2021-05-06', '1000000.0000', true, '2021-05-06 09:15:00', '12'],
      ['企业八', '2021-05-07', '2.5000', false, '2021-05-07 10:00:00', '3'],
    ]);
  });

  it('refuses a file with bad rows as a whole, with a report of every problem', async () => {
    const { entry, provider } = await corpEntry();
    const table = tableOf(entry.code);
    expectStatus(
      await upload(provider.specialist, entry.id, csv([header, good(1)]), 'ok.csv', { keyFields: 'uscc' }),
      200,
    );
    const before = await rowsOf(table);
    const badCode = code(5).slice(0, 17) + (code(5).endsWith('0') ? '1' : '0');
    const file = csv([
      'uscc,corp_name,reg_date,capital,active,reg_time,staff,legal_id,unknown_col',
      good(2),
      `${badCode},企业5,2020-02-30,abc,也许,2020-13-01 00:00,1.5,110101199001011234,x`,
      `,无代码,,,,,,`,
      `${code(3)},这是一个太长太长太长的企业名称,,,,,,`,
      good(2, '重复'),
      `${code(6)},企业6,,99999999999999999,,,99999999999999999999,`,
    ]);
    const res = expectStatus(
      await upload(provider.specialist, entry.id, file, 'bad.csv', { keyFields: 'uscc', mode: 'replace' }),
      400,
    );
    const err = res.json<{ error: { code: string; messageZh: string; details: UploadReport } }>().error;
    expect(err.code).toBe('EXCHANGE_UPLOAD_INVALID');
    const r = err.details;
    const found = r.problems.map((p) => [p.row, p.field]);
    expect(found).toEqual([
      [3, 'uscc'],
      [3, 'reg_date'],
      [3, 'capital'],
      [3, 'active'],
      [3, 'reg_time'],
      [3, 'staff'],
      [3, 'legal_id'],
      [4, 'uscc'],
      [5, 'corp_name'],
      [6, 'uscc'],
      [7, 'capital'],
      [7, 'staff'],
    ]);
    expect(r.problems.find((p) => p.row === 6)!.messageZh).toContain('第 2 行');
    expect(r.problems[0]!.messageZh).toContain('统一社会信用代码');
    expect(r).toMatchObject({
      problemCount: 12,
      rowsRead: 6,
      rowsWithProblems: 5,
      truncated: false,
      keyFields: ['uscc'],
      ignoredHeaders: ['unknown_col'],
    });
    // Nothing written, not even the good row, and replace deleted nothing.
    expect(await rowsOf(table)).toEqual(before);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'detail'])
      .where('action', '=', 'exchange.upload')
      .where('target_id', '=', entry.id)
      .orderBy('seq')
      .execute();
    expect(audit.at(-1)).toMatchObject({
      outcome: 'failed',
      detail: { errorCode: 'EXCHANGE_UPLOAD_INVALID', fileName: 'bad.csv' },
    });
  });

  it('replace makes the table exactly the file', async () => {
    const { entry, provider } = await corpEntry();
    const table = tableOf(entry.code);
    expectStatus(
      await upload(provider.specialist, entry.id, csv([header, good(1), good(2), good(3)]), 'a.csv', {
        keyFields: 'uscc',
      }),
      200,
    );
    const cancel = await upload(
      provider.specialist,
      entry.id,
      csv(['uscc,corp_name', `${code(2)},只剩二`, `${code(9)},企业9`]),
      'b.csv',
      { keyFields: 'uscc', mode: 'replace' },
    );
    expect(expectStatus(cancel, 200).json<UploadResult>()).toMatchObject({
      mode: 'replace',
      rowsWritten: 2,
      rowsDeleted: 2,
      rowsInTable: 2,
    });
    const rows = await rowsOf(table);
    // Columns the file lacks are emptied too: the table is the file.
    expect(rows.map((r) => [r.uscc, r.corp_name, r.staff])).toEqual(
      [
        [code(2), '只剩二', null],
        [code(9), '企业9', null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('lets only the provider (or the platform) upload', async () => {
    const { entry, provider } = await corpEntry();
    const consumer = await catalogDepartment(t);
    const file = csv([header, good(1)]);
    const admin = await platformAdmin(t);
    expectStatus(await upload(admin, entry.id, file, 'x.csv', { keyFields: 'uscc' }), 200);
    const other = csv([header, good(2)]);
    const refused = expectStatus(
      await upload(consumer.specialist, entry.id, other, 'x.csv', { keyFields: 'uscc' }),
      403,
    );
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
    expectStatus(await upload(provider.user, entry.id, other, 'x.csv', { keyFields: 'uscc' }), 403);
    expect(await count(tableOf(entry.code))).toBe(1);
    expectStatus(await upload(provider.specialist, entry.id, other, 'x.csv', { keyFields: 'uscc' }), 200);
    expect(await count(tableOf(entry.code))).toBe(2);
  });

  it('refuses GBK text, other file types, missing or unknown keys and empty files', async () => {
    const { entry, provider } = await corpEntry();
    const s = provider.specialist;
    // “企业” in GBK.
    const gbk = Buffer.concat([
      Buffer.from(`uscc,corp_name\r\n${code(1)},`),
      Buffer.from([0xc6, 0xf3, 0xd2, 0xb5]),
      Buffer.from('\r\n'),
    ]);
    const enc = expectStatus(await upload(s, entry.id, gbk, 'gbk.csv', { keyFields: 'uscc' }), 415);
    expect(enc.json<{ error: { code: string } }>().error.code).toBe('EXCHANGE_UPLOAD_ENCODING');
    const pdf = expectStatus(
      await upload(s, entry.id, Buffer.from('%PDF-1.7\n%%EOF\n'), 'x.csv', { keyFields: 'uscc' }),
      415,
    );
    expect(pdf.json<{ error: { code: string } }>().error.code).toBe('EXCHANGE_UPLOAD_TYPE');
    expectStatus(await upload(s, entry.id, csv([header, good(1)]), 'x.txt', { keyFields: 'uscc' }), 415);
    expectStatus(
      await upload(s, entry.id, Buffer.from('PK\u0003\u0004 not really a workbook'), 'x.xlsx', { keyFields: 'uscc' }),
      422,
    );
    const noKey = expectStatus(await upload(s, entry.id, csv([header, good(1)]), 'x.csv'), 400);
    expect(noKey.json<{ error: { code: string } }>().error.code).toBe('EXCHANGE_UPLOAD_KEY_REQUIRED');
    expectStatus(await upload(s, entry.id, csv([header, good(1)]), 'x.csv', { keyFields: 'nope' }), 400);
    expectStatus(await upload(s, entry.id, csv([header, good(1)]), 'x.csv', { keyFields: 'uscc', mode: 'merge' }), 400);
    const empty = expectStatus(await upload(s, entry.id, csv([header]), 'x.csv', { keyFields: 'uscc' }), 400);
    expect(empty.json<{ error: { code: string } }>().error.code).toBe('EXCHANGE_UPLOAD_EMPTY');
    // The key column missing from the header is a problem of row 1.
    const missing = expectStatus(
      await upload(s, entry.id, csv(['corp_name', '企业']), 'x.csv', { keyFields: 'uscc' }),
      400,
    );
    expect(missing.json<{ error: { details: UploadReport } }>().error.details.problems).toMatchObject([
      { row: 1, field: 'uscc' },
    ]);
    // Every upload was refused, so nothing stays, not even the center's table (its request rolled back whole).
    const tables =
      await sql`select 1 from information_schema.tables where table_schema = 'rc' and table_name = ${tableOf(entry.code)}`.execute(
        t.ctx.db,
      );
    expect(tables.rows).toEqual([]);
  });

  it('reads quoted CSV values and refuses more rows than the limit', async () => {
    const { entry, provider } = await corpEntry();
    const quoted = Buffer.from(`\uFEFFuscc,corp_name\n"${code(1)}","甲,""乙""\n丙"\n\n${code(2)},  丁  \n`);
    expectStatus(await upload(provider.specialist, entry.id, quoted, 'q.csv', { keyFields: 'uscc' }), 200);
    expect((await rowsOf(tableOf(entry.code))).map((r) => r.corp_name)).toEqual(['甲,"乙"\n丙', '丁']);
    const many = Buffer.from(['uscc', ...Array.from({ length: 200_001 }, (_, i) => String(i))].join('\n'));
    const res = expectStatus(await upload(provider.specialist, entry.id, many, 'many.csv', { keyFields: 'uscc' }), 413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('EXCHANGE_UPLOAD_TOO_MANY_ROWS');
  });

  it('keys rows by the binding when no key is given', async () => {
    const src = await corpSource(2);
    try {
      const { entry, provider, table } = await boundEntry(t, src);
      const res = expectStatus(
        await upload(
          provider.specialist,
          entry.id,
          csv(['企业编号,统一社会信用代码,企业名称', `7,${code(7)},上传企业`]),
          'b.csv',
        ),
        200,
      ).json<UploadResult>();
      expect(res).toMatchObject({ keyFields: ['corp_id'], rowsWritten: 1 });
      const rows = (
        await sql<{ _gs_key: string; corp_name: string }>`select _gs_key, corp_name from rc.${sql.id(table)}`.execute(
          t.ctx.db,
        )
      ).rows;
      expect(rows).toEqual([{ _gs_key: '7', corp_name: '上传企业' }]);
    } finally {
      await src.drop();
    }
  });

  it('refuses files over MAX_FILE_MB (413) and in GBK (415) over a real socket without stalling it', async () => {
    const small = await testApp({ maxFileMb: 1 });
    let closed = false;
    try {
      await small.app.listen({ port: 0, host: '127.0.0.1' });
      const url = (id: string) =>
        `http://127.0.0.1:${(small.app.server.address() as AddressInfo).port}/api/exchange/entries/${id}/upload`;
      const { entry, provider } = await publishedEntry(small, {
        items: [item({ name: '统一社会信用代码', fieldName: 'uscc', length: 18 })],
      });
      const send = (file: Buffer, name: string) => {
        const body = form(file, name, { keyFields: 'uscc' });
        return fetch(url(entry.id), {
          method: 'POST',
          headers: { ...provider.specialist.headers, ...body.headers },
          body: body.payload,
        });
      };
      const big = Buffer.from(['uscc', ...Array.from({ length: 200_000 }, (_, i) => `${code(i)}`)].join('\n'));
      const tooLarge = await send(big, 'big.csv');
      expect(tooLarge.status).toBe(413);
      expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('EXCHANGE_UPLOAD_TOO_LARGE');
      const gbk = Buffer.concat([
        Buffer.from('uscc\n'),
        Buffer.from([0xc6, 0xf3, 0xd2, 0xb5]),
        Buffer.alloc(900 * 1024, 0x41),
      ]);
      // Within the size limit, refused by its content from the first bytes (a larger one is refused by its length).
      expect((await send(gbk, 'gbk.csv')).status).toBe(415);
      // Refused before a byte of the file is read: by its declared length, before whose entry it is is asked.
      const stranger = await catalogDepartment(small);
      const body = form(big, 'big.csv', { keyFields: 'uscc' });
      expect(
        (
          await fetch(url(entry.id), {
            method: 'POST',
            headers: { ...stranger.specialist.headers, ...body.headers },
            body: body.payload,
          })
        ).status,
      ).toBe(413);
      const ok = await send(Buffer.from(`uscc\n${code(1)}\n`), 'ok.csv');
      expect(ok.status).toBe(200);
      const started = Date.now();
      closed = true;
      await small.close();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      if (!closed) await small.close();
    }
  });
});
