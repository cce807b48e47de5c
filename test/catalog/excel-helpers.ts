import { createRequire } from 'node:module';
import { crc32, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { TestApp } from '../helpers/app';
import { ENTRY_COLUMNS, ENTRY_SHEET, ITEM_COLUMNS, ITEM_SHEET } from '../../src/server/modules/catalog/excel-columns';
import type { ImportState } from '../../src/server/modules/catalog/excel-jobs';

/** Workbooks as a department would fill them in: cells keyed by the Chinese column header. */
export type Cells = Record<string, string | number | null>;

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let n = 0;
/** A valid 信息资源 row (基础 class 102 法人单位, shared unconditionally). */
export function entryRow(over: Cells = {}): Cells {
  n++;
  return {
    分类代码: '102 法人单位',
    信息资源名称: `导入测试资源${process.pid}-${n}`,
    摘要: '用于测试导入的信息资源摘要',
    资源格式: '数据库',
    共享类型: '无条件共享',
    共享方式: '库表、服务接口',
    开放属性: '不予开放',
    更新周期: '每月',
    ...over,
  };
}

/** A valid 信息项 row linked to the entry in sheet row `entryRow`. */
export function itemRow(entryRowNumber: number, over: Cells = {}): Cells {
  n++;
  return {
    资源序号: entryRowNumber,
    信息项名称: `信息项${n}`,
    字段名: `field_${n}`,
    数据类型: '字符型',
    长度: 50,
    ...over,
  };
}

export async function workbook(entries: Cells[], items: Cells[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, columns, rows] of [
    [ENTRY_SHEET, ENTRY_COLUMNS, entries],
    [ITEM_SHEET, ITEM_COLUMNS, items],
  ] as const) {
    const ws = wb.addWorksheet(name);
    const headers = columns.map((c) => c.header);
    ws.addRow(headers);
    for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** N entries with two items each; entry k sits in sheet row k + 2 (row 1 is the header). */
export async function bigWorkbook(count: number, prefix: string): Promise<Buffer> {
  const entries: Cells[] = [];
  const items: Cells[] = [];
  for (let k = 0; k < count; k++) {
    entries.push(entryRow({ 信息资源名称: `${prefix}${k + 1}` }));
    items.push(
      itemRow(k + 2, { 信息项名称: '统一社会信用代码', 字段名: 'uscc', 长度: 18 }),
      itemRow(k + 2, { 信息项名称: '成立日期', 字段名: 'established_on', 数据类型: 'D', 长度: null }),
    );
  }
  return workbook(entries, items);
}

/** A multipart/form-data body with one file part, as a browser's file upload sends it. */
export function multipart(file: Buffer, filename = '目录.xlsx', contentType = XLSX) {
  const boundary = `----govshare${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    'utf8',
  );
  return {
    payload: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** What rows named like an existing draft do (the import's `duplicates` choice); the server's default when left out. */
export type Duplicates = 'refuse' | 'update';

export function upload(
  t: TestApp,
  headers: { cookie: string },
  file: Buffer,
  filename?: string,
  contentType?: string,
  duplicates?: Duplicates,
) {
  const body = multipart(file, filename, contentType);
  return t.inject({
    method: 'POST',
    url: `/api/catalog/excel/import${duplicates ? `?duplicates=${duplicates}` : ''}`,
    headers: { ...headers, 'content-type': body.contentType },
    payload: body.payload,
  });
}

/** Polls the import until it ends; returns every state seen, the last one final. */
export async function waitForImport(
  t: TestApp,
  headers: { cookie: string },
  importId: string,
  timeoutMs = 120_000,
): Promise<ImportState[]> {
  const seen: ImportState[] = [];
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await t.inject({ method: 'GET', url: `/api/catalog/excel/imports/${importId}`, headers });
    if (res.statusCode !== 200) throw new Error(`poll: ${res.statusCode} ${res.body}`);
    const state = res.json<ImportState>();
    seen.push(state);
    if (state.status === 'done' || state.status === 'failed') return seen;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`import ${importId} did not finish in ${timeoutMs} ms`);
}

export async function runImport(
  t: TestApp,
  headers: { cookie: string },
  file: Buffer,
  duplicates?: Duplicates,
): Promise<ImportState> {
  const res = await upload(t, headers, file, undefined, undefined, duplicates);
  if (res.statusCode !== 202) throw new Error(`upload: ${res.statusCode} ${res.body}`);
  return (await waitForImport(t, headers, res.json<ImportState>().importId)).at(-1)!;
}

export async function entryCount(t: TestApp, departmentId: string): Promise<number> {
  const r = await t.ctx.db
    .selectFrom('catalog_entry')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('provider_department_id', '=', departmentId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The parts of a zip archive by name, in the archive's order (a test-side reader, independent of the app's). */
export function zipParts(zip: Buffer): Array<{ name: string; data: Buffer }> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const parts: Array<{ name: string; data: Buffer; at: number }> = [];
  for (let k = 0; k < count; k++) {
    const nameLength = zip.readUInt16LE(p + 28);
    const at = zip.readUInt32LE(p + 42);
    const size = zip.readUInt32LE(p + 20);
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    const raw = zip.subarray(start, start + size);
    parts.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      data: zip.readUInt16LE(p + 10) === 8 ? inflateRawSync(raw) : raw,
      at,
    });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return parts.sort((x, y) => x.at - y.at).map(({ name, data }) => ({ name, data }));
}

/** The same parts stored (uncompressed) in the given order: how another program may have saved the workbook. */
export function rezip(parts: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of parts) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(n.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Excel's own part order: the workbook first, shared strings after the sheets. */
export function inExcelOrder(zip: Buffer): Buffer {
  const rank = (name: string) =>
    [
      /^\[Content_Types\]/,
      /^_rels\//,
      /^xl\/workbook\.xml$/,
      /^xl\/_rels\//,
      /^xl\/worksheets\//,
      /^xl\/theme\//,
      /^xl\/styles/,
      /^xl\/sharedStrings/,
      /^docProps\//,
    ].findIndex((r) => r.test(name)) >>> 0;
  return rezip(
    zipParts(zip)
      .filter((p) => !p.name.endsWith('/'))
      .sort((a, b) => rank(a.name) - rank(b.name)),
  );
}

/**
 * Makes exceljs's temp files (where its streaming reader spools worksheets found before the shared
 * strings) take `ms` longer to create, as a busy thread pool does; returns the undo.
 */
export function slowTempFiles(ms: number): () => void {
  const require = createRequire(import.meta.url);
  const tmp = require(require.resolve('tmp', { paths: [require.resolve('exceljs')] })) as {
    file: (cb: (...args: unknown[]) => void) => void;
  };
  const file = tmp.file;
  tmp.file = (cb) => file((...args) => setTimeout(() => cb(...args), ms));
  return () => {
    tmp.file = file;
  };
}
