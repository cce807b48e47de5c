import { EventEmitter } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../platform/excel';
import type { FastifyBaseLogger } from 'fastify';
import { DATA_TYPES, type DataType } from '../../../shared/catalog/enums';
import { RULES } from '../../platform/masking';
import type { DataAccess } from './data-access';
import { addMarkSheet, markXlsxRow, markXlsxWorkbook, type Fingerprint } from '../../platform/fingerprint';

/**
 * The .xlsx form of a resource export (R-24, R-19): sheet 数据 holds the rows under a two-line
 * header (item names for people, field names for programs), sheet 说明 says whose data it is,
 * under which grant and use notice, when it left the platform and how each column was masked.
 *
 * Written by exceljs's streaming writer straight into the response, a row at a time, without shared
 * strings, and paused while the client is slower than the database: memory stays flat for a million
 * rows. A database error half-way cuts the download short (the zip is then unreadable), which is
 * what a CSV export does too; the end-of-stream audit event records it as incomplete.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DATA_SHEET = '数据';
export const NOTES_SHEET = '说明';
/** Excel's row limit less the two header lines; a larger export continues on 数据(2), 数据(3)… */
const ROWS_PER_SHEET = 1_048_576 - 2;
/** Excel refuses a file with a longer cell (it reports the workbook as damaged). */
const MAX_CELL_TEXT = 32_767;
/** Excel keeps 15 significant digits: a longer number (an 18-digit id, a wide decimal) stays text. */
const MAX_DIGITS = 15;

export interface XlsxExport {
  code: string;
  name: string | null;
  grantNo: string | null;
  notice: string | null;
  /** The exported columns in order, as the caller may read them. */
  columns: DataAccess['columns'];
  exportedAt: Date;
  rows: AsyncIterable<Record<string, unknown>>;
  /** Rows per data sheet, Excel's limit unless a test needs a small one. */
  rowsPerSheet?: number;
  /** Sheets the caller adds after 说明 (the open portal's 数据字典 and 许可协议). */
  appendix?: XlsxSheet[];
  /** The download's mark (Art 18): in the properties, a very hidden sheet and each data sheet row. */
  fingerprint?: Fingerprint | null;
}

/** A small sheet of plain values under a bold header line. */
export interface XlsxSheet {
  name: string;
  columns: Array<{ header: string; width: number }>;
  rows: Array<Array<string | number | boolean | null>>;
}

type CellValue = string | number | boolean | Date | null;
type Column = DataAccess['columns'][number];

const isMasked = (c: Column) => c.rule.code !== 'none';

/** Decimal text (bigint, numeric) as a number when Excel shows it exactly, else as the text itself. */
function decimal(s: string): CellValue {
  if (!/\d/.test(s)) return s;
  const m = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/.exec(s);
  if (!m) return s;
  const digits = (m[2]! + (m[3] ?? '')).replace(/^0+/, '');
  if (digits.length > MAX_DIGITS) return s;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

/** 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' as written by the source: kept as wall-clock time (UTC in the file, which has no zones). */
function wallClock(s: string): CellValue {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(s);
  // Excel's calendar starts in 1900; earlier dates only make sense as text.
  if (!m || Number(m[1]) < 1900) return s;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const d = new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms),
  );
  return Number.isNaN(d.getTime()) ? s : d;
}

function cellOf(c: Column, v: unknown, truncated: { n: number }): CellValue {
  if (v === null || v === undefined) return null;
  let out: CellValue;
  if (isMasked(c)) out = String(v);
  else if (typeof v === 'boolean' || v instanceof Date) out = v;
  else if (typeof v === 'number') out = Number.isFinite(v) ? v : String(v);
  else if (Buffer.isBuffer(v)) out = v.toString('base64');
  else if (typeof v === 'string') {
    const t = c.dataType as DataType;
    out = t === 'I' || t === 'N' || t === 'Y' ? decimal(v) : t === 'D' || t === 'T' ? wallClock(v) : v;
  } else out = typeof v === 'object' ? JSON.stringify(v) : String(v as bigint);
  if (typeof out === 'string' && out.length > MAX_CELL_TEXT) {
    truncated.n++;
    return out.slice(0, MAX_CELL_TEXT);
  }
  return out;
}

/** Masked values are text whatever the item's type; the format keeps a user's edit from turning them into numbers. */
function numFmtOf(c: Column): string | undefined {
  return isMasked(c) ? '@' : NUM_FMT[c.dataType as DataType];
}
const NUM_FMT: Partial<Record<DataType, string>> = { D: 'yyyy-mm-dd', T: 'yyyy-mm-dd hh:mm:ss', Y: '#,##0.00##' };

const widthOf = (c: Column) =>
  Math.min(40, Math.max(10, c.name.length * 2 + 2, c.column.length + 2, c.dataType === 'T' ? 20 : 0));
const NAME_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
  alignment: { vertical: 'middle' },
  numFmt: 'General',
};
const FIELD_STYLE: Partial<ExcelJS.Style> = { font: { color: { argb: 'FF808080' }, size: 9 }, numFmt: 'General' };

/** Sheet XML the zip has yet to take before rows are read on: a few batches' worth. */
const MAX_PENDING = 1 << 20;

/**
 * exceljs writes a sheet's XML into the zip's input without heeding backpressure, so a client slower
 * than the database would have the whole export pile up there. That input is the one pipe of the
 * sheet's stream (set once the zip starts on the sheet; archiver's own readable-stream PassThrough),
 * and its write buffer is what waits to be zipped. Internal to exceljs 4, hence the guarded look-up:
 * should it change, exports still work, only without the pause.
 */
interface ZipInput extends EventEmitter {
  _writableState: { length: number };
}
function zipInputOf(ws: ExcelJS.Worksheet): ZipInput | undefined {
  const pipe = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as
    Partial<ZipInput> | undefined;
  return pipe instanceof EventEmitter && typeof pipe._writableState?.length === 'number'
    ? (pipe as ZipInput)
    : undefined;
}

/** Resolves once the zip has taken what is queued, or the client has gone. */
const drained = (input: ZipInput, out: PassThrough) =>
  new Promise<void>((resolve) => {
    const done = () => {
      input.off('drain', done).off('close', done);
      out.off('close', done);
      resolve();
    };
    input.on('drain', done).on('close', done);
    out.on('close', done);
  });

/** Shanghai wall-clock time of an instant, as people there read it. */
const beijingTime = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`;

/** The workbook as a stream for reply.send; writing starts at once and follows the client's pace. */
export function xlsxExportStream(x: XlsxExport, log: Pick<FastifyBaseLogger, 'error'>): Readable {
  const out = new PassThrough();
  writeWorkbook(x, out).catch((err: unknown) => {
    log.error({ err, resource: x.code }, 'xlsx export failed');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}

async function writeWorkbook(x: XlsxExport, out: PassThrough): Promise<void> {
  const { stream } = await loadExcel();
  const wb = new stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'govshare';
  wb.created = x.exportedAt;
  const fp = x.fingerprint;
  if (fp) markXlsxWorkbook(wb, fp.mark);
  /** Adds a row, with its bit when the download is marked. */
  const addRow = (ws: ExcelJS.Worksheet, values: CellValue[], style?: Partial<ExcelJS.Style>) => {
    const row = ws.addRow(values);
    if (style) row.eachCell((cell) => (cell.style = style));
    if (fp) markXlsxRow(fp.key, fp.mark, row, values);
    row.commit();
  };
  const truncated = { n: 0 };

  const addDataSheet = (part: number) => {
    const ws = wb.addWorksheet(part === 1 ? DATA_SHEET : `${DATA_SHEET}(${part})`, {
      views: [{ state: 'frozen', ySplit: 2 }],
    });
    // Filter buttons on the field-name line filter everything below it.
    if (x.columns.length) ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: x.columns.length } };
    ws.columns = x.columns.map((c) => {
      const numFmt = numFmtOf(c);
      return { key: c.column, width: widthOf(c), style: numFmt ? { numFmt } : {} };
    });
    addRow(
      ws,
      x.columns.map((c) => c.name),
      NAME_STYLE,
    );
    addRow(
      ws,
      x.columns.map((c) => c.column),
      FIELD_STYLE,
    );
    return ws;
  };

  // One sheet at a time: the zip takes one entry at a time, so a sheet written meanwhile would wait in memory.
  let part = 1;
  let ws = addDataSheet(part);
  let inSheet = 0;
  let total = 0;
  for await (const r of x.rows) {
    if (out.destroyed) return; // the client went away: stop reading the database
    if (inSheet === (x.rowsPerSheet ?? ROWS_PER_SHEET)) {
      ws.commit();
      ws = addDataSheet(++part);
      inSheet = 0;
    }
    addRow(
      ws,
      x.columns.map((c) => cellOf(c, r[c.column], truncated)),
    );
    inSheet++;
    total++;
    const input = zipInputOf(ws);
    if (input && input._writableState.length > MAX_PENDING) await drained(input, out);
  }
  if (out.destroyed) return;
  ws.commit();
  notesSheet(wb, x, { rows: total, sheets: part, truncated: truncated.n });
  for (const sheet of x.appendix ?? []) appendixSheet(wb, sheet);
  if (fp) addMarkSheet(wb, fp.mark);
  await wb.commit();
}

function notesSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  x: XlsxExport,
  n: { rows: number; sheets: number; truncated: number },
): void {
  const ws = wb.addWorksheet(NOTES_SHEET);
  ws.columns = [{ width: 16 }, { width: 22 }, { width: 28 }, { width: 14 }, { width: 30 }];
  const label = (text: string, value: CellValue) => {
    const row = ws.addRow([text, value]);
    row.getCell(1).font = { bold: true };
    ws.mergeCells(row.number, 2, row.number, 5);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  };
  const title = ws.addRow(['数据导出说明']);
  title.getCell(1).font = { bold: true, size: 14 };
  title.commit();
  label('资源代码', x.code);
  if (x.name) label('资源名称', x.name);
  label('共享授权编号', x.grantNo ?? '无（提供部门或平台管理员导出，未经共享授权）');
  label('使用须知', x.notice ?? '本部门数据，按本部门数据管理规定使用。');
  label('导出时间', beijingTime(x.exportedAt));
  label('数据条数', n.rows);
  label(
    '表头',
    `第1行为数据项名称，第2行为字段名，数据自第3行起${n.sheets > 1 ? `；超出单表行数上限，续接于“${DATA_SHEET}(2)”至“${DATA_SHEET}(${n.sheets})”` : ''}。`,
  );
  if (n.truncated)
    label(
      '超长文本',
      `${n.truncated} 个单元格超过 ${MAX_CELL_TEXT} 个字符（Excel 上限），已截断；完整内容请用 CSV 或 JSON Lines 导出。`,
    );
  ws.addRow([]).commit();
  const head = ws.addRow(['字段名', '数据项名称', '数据类型', '是否脱敏', '脱敏方式']);
  head.eachCell((cell) => (cell.style = NAME_STYLE));
  head.commit();
  for (const c of x.columns) {
    const rule = RULES[c.rule.code];
    ws.addRow([
      c.column,
      c.name,
      DATA_TYPES[c.dataType as DataType]?.zh ?? c.dataType,
      isMasked(c) ? '是' : '否',
      isMasked(c) ? `${rule.nameZh}：${rule.keepsZh}` : '',
    ]).commit();
  }
  ws.commit();
}

function appendixSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, sheet: XlsxSheet): void {
  const ws = wb.addWorksheet(sheet.name);
  ws.columns = sheet.columns.map((c) => ({
    width: c.width,
    style: { alignment: { wrapText: true, vertical: 'top' } },
  }));
  const head = ws.addRow(sheet.columns.map((c) => c.header));
  head.eachCell((cell) => (cell.style = NAME_STYLE));
  head.commit();
  for (const r of sheet.rows) ws.addRow(r).commit();
  ws.commit();
}
