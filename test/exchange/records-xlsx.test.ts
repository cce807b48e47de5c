import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, type CatalogDepartment } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { XLSX_TYPE } from '../../src/server/modules/exchange-delivery/records-xlsx';
import { mask } from '../../src/server/platform/masking';
import { verifyAuditChain } from '../../src/server/platform/audit/service';
import { submitRequest } from '../sharing/factory';
import { boundEntry, corpSource, corpUscc as uscc, grantItems, USCC_RULE, type CorpSource } from './pull-fixtures';

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let consumer: CatalogDepartment;
let grantNo: string;
const ROWS = 300;

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { shareMethods: ['table', 'api'] });
  await runPull(t.ctx, b.binding.id);
  consumer = await catalogDepartment(t);
  grantNo = (await grantItems(t, b.entry, consumer, 'table', ['corp_id', 'uscc', 'corp_name'])).no;
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

async function exportXlsx(s: { id: string; headers: { cookie: string } }, query = '') {
  const res = expectStatus(
    await t.inject({
      method: 'GET',
      url: `/api/v1/data/${b.entry.code}/export?format=xlsx${query}`,
      headers: s.headers,
    }),
    200,
  );
  expect(res.headers['content-type']).toBe(XLSX_TYPE);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return { res, wb };
}

/** Column B of 说明, by the label in column A. */
function notes(wb: ExcelJS.Workbook): Record<string, unknown> {
  const ws = wb.getWorksheet('说明')!;
  const out: Record<string, unknown> = {};
  ws.eachRow((row) => {
    const k = row.getCell(1).value;
    if (typeof k === 'string') out[k] = row.getCell(2).value;
  });
  return out;
}

/** Rows come in key order (text), so a corp is found by its id. */
function byId(ws: ExcelJS.Worksheet, id: number): ExcelJS.Row {
  for (let r = 3; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === id) return ws.getRow(r);
  throw new Error(`no row for corp ${id}`);
}

/** The end-of-stream event comes after the response has closed: waited for, not assumed. */
async function endEvents(userId: string) {
  return vi.waitFor(
    async () => {
      const rows = await t.ctx.db
        .selectFrom('audit_event')
        .select(['category', 'action', 'row_count', 'outcome', 'target_id', 'detail'])
        .where('action', 'like', 'exchange.records.export%')
        .where('user_id', '=', userId)
        .orderBy('seq')
        .execute();
      if (!rows.some((r) => r.action === 'exchange.records.export.end')) throw new Error('no end event yet');
      return rows;
    },
    { timeout: 5000, interval: 50 },
  );
}

describe('query API export as .xlsx (R-24, R-19)', () => {
  it('gives the provider every column, typed: numbers as numbers, dates as dates, under a two-line header', async () => {
    const { res, wb } = await exportXlsx(b.provider.user);
    expect(res.headers['x-govshare-grant']).toBeUndefined();
    expect(wb.worksheets.map((w) => w.name)).toEqual(['数据', '说明']);
    const ws = wb.getWorksheet('数据')!;
    expect(ws.rowCount).toBe(ROWS + 2);
    expect(ws.getRow(1).values).toEqual([
      undefined,
      '企业编号',
      '统一社会信用代码',
      '企业名称',
      '成立日期',
      '是否存续',
      '注册资本',
    ]);
    expect(ws.getRow(2).values).toEqual([undefined, 'corp_id', 'uscc', 'corp_name', 'reg_date', 'active', 'capital']);
    const first = ws.getRow(3);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(2).value).toBe(uscc(1));
    expect(first.getCell(3).value).toBe('上饶测试企业1有限公司');
    expect(first.getCell(4).value).toEqual(new Date('2020-01-02T00:00:00Z'));
    expect(first.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(first.getCell(5).value).toBe(true);
    expect(first.getCell(6).value).toBe(10.5);
    expect(byId(ws, 3).getCell(5).value).toBe(false); // i % 3 === 0 is not active
    expect(byId(ws, 3).getCell(6).value).toBe(31.5);
    const ids = new Set<unknown>();
    for (let r = 3; r <= ROWS + 2; r++) ids.add(ws.getRow(r).getCell(1).value);
    expect(ids.size).toBe(ROWS);
    const n = notes(wb);
    expect(n['资源代码']).toBe(b.entry.code);
    expect(n['共享授权编号']).toMatch(/^无/);
    expect(n['数据条数']).toBe(ROWS);

    const audit = await endEvents(b.provider.user.id);
    expect(audit.map((a) => [a.action, a.row_count, a.outcome])).toEqual([
      ['exchange.records.export', null, 'success'],
      ['exchange.records.export.end', ROWS, 'success'],
    ]);
    expect(audit[1]).toMatchObject({
      category: 'download',
      target_id: b.entry.code,
      detail: { format: 'xlsx', grantNo: null, complete: true },
    });
  });

  it('gives a grant holder only the granted items, masked as text, with the grant and use notice in 说明', async () => {
    const { res, wb } = await exportXlsx(consumer.user);
    expect(res.headers['x-govshare-grant']).toBe(grantNo);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${b.entry.code.replace('/', '-')}-${grantNo}.xlsx"`,
    );
    const ws = wb.getWorksheet('数据')!;
    expect(ws.getRow(1).values).toEqual([undefined, '企业编号', '统一社会信用代码', '企业名称']);
    expect(ws.getRow(2).values).toEqual([undefined, 'corp_id', 'uscc', 'corp_name']);
    expect(ws.rowCount).toBe(ROWS + 2);
    const row = byId(ws, 5);
    expect(row.getCell(1).value).toBe(5);
    expect(row.getCell(2).value).toBe(mask(USCC_RULE, uscc(5)));
    expect(row.getCell(2).value).not.toBe(uscc(5));
    expect(row.getCell(2).numFmt).toBe('@');
    const n = notes(wb);
    expect(n['共享授权编号']).toBe(grantNo);
    expect(n['使用须知']).toBe(decodeURIComponent(res.headers['x-govshare-notice'] as string));
    expect(String(n['使用须知'])).toContain(grantNo);
    expect(String(n['导出时间'])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}（北京时间）$/);
    // The field list says which columns are masked, and how, without any value.
    const list: unknown[][] = [];
    wb.getWorksheet('说明')!.eachRow((r) => list.push((r.values as unknown[]).slice(1)));
    expect(list.find((r) => r[0] === 'uscc')).toEqual([
      'uscc',
      '统一社会信用代码',
      '字符型',
      '是',
      expect.stringContaining('：'),
    ]);
    expect(list.find((r) => r[0] === 'corp_id')?.[3]).toBe('否');

    const audit = await endEvents(consumer.user.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'exchange.records.export.end',
      row_count: ROWS,
      outcome: 'success',
      detail: { grantNo, format: 'xlsx', complete: true },
    });
    expect(audit.at(-2)).toMatchObject({ action: 'exchange.records.export', detail: { grantNo, format: 'xlsx' } });
  });

  it('records the rows of a filtered CSV export too, and the chain stays whole', async () => {
    const other = await catalogDepartment(t);
    const items = b.entry.current!.items.filter((i) => i.fieldName === 'corp_id').map((i) => i.id);
    const granted = expectStatus(
      await submitRequest(t, other.user, b.entry, {
        letterId: null,
        method: 'table',
        itemIds: items,
        periodFrom: undefined,
        periodTo: undefined,
      }),
      201,
    ).json<{ grant: { no: string } }>().grant;
    const csv = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/v1/data/${b.entry.code}/export?filter=corp_id:7&header=code`,
        headers: other.user.headers,
      }),
      200,
    );
    // Values compared, not quoting: which field a line quotes is the download's fingerprint (Art 18).
    expect(parse(csv.body, { bom: true })).toEqual([
      ['corp_id', 'grant_no'],
      ['7', granted.no],
    ]);
    const audit = await endEvents(other.user.id);
    expect(audit.at(-1)).toMatchObject({ row_count: 1, detail: { format: 'csv', complete: true } });
    expect((await verifyAuditChain(t.ctx)).ok).toBe(true);
  });

  it('refuses an export to a department without a grant, in any format', async () => {
    const stranger = await catalogDepartment(t);
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/data/${b.entry.code}/export?format=xlsx`,
      headers: stranger.user.headers,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('SHARING_GRANT_NO_GRANT');
  });
});

describe('the .xlsx writer', () => {
  it('continues on 数据(2)… past a sheet’s row limit, each sheet with the header, and counts every row in 说明', async () => {
    const { xlsxExportStream } = await import('../../src/server/modules/exchange-delivery/records-xlsx');
    async function* rows() {
      for (let i = 1; i <= 25; i++) yield { n: String(i), note: i === 25 ? 'x'.repeat(40_000) : `第${i}行` };
    }
    const columns = [
      { column: 'n', name: '序号', dataType: 'I', rule: { code: 'none' as const } },
      { column: 'note', name: '备注', dataType: 'M', rule: { code: 'none' as const } },
    ];
    const stream = xlsxExportStream(
      {
        code: '1/000001',
        name: null,
        grantNo: null,
        notice: null,
        columns,
        exportedAt: new Date(),
        rows: rows(),
        rowsPerSheet: 10,
      },
      t.app.log,
    );
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([
      ['数据', 12],
      ['数据(2)', 12],
      ['数据(3)', 7],
      ['说明', expect.any(Number)],
    ]);
    expect(wb.getWorksheet('数据(3)')!.getRow(2).values).toEqual([undefined, 'n', 'note']);
    expect(wb.getWorksheet('数据(3)')!.getRow(7).getCell(1).value).toBe(25);
    // Excel refuses longer cells; the cut is said in 说明.
    expect(String(wb.getWorksheet('数据(3)')!.getRow(7).getCell(2).value)).toHaveLength(32_767);
    expect(notes(wb)['数据条数']).toBe(25);
    expect(String(notes(wb)['超长文本'])).toMatch(/^1 个单元格/);
  });
});
