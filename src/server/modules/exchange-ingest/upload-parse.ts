import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type InfoRecord, type Options } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../platform/excel';
import { AppError } from '../../platform/errors';
import { sniffedStream, UnsupportedTypeError } from '../../platform/storage/sniff';

/**
 * R-21/R-22 table upload, reading side: the uploaded CSV or XLSX is spooled to a temporary file
 * (type read from the content as for resource files: UTF-8 text only, so a GBK export is refused)
 * and then streamed back as rows of text cells, each with its row number as the user sees it.
 */

export type UploadKind = 'csv' | 'xlsx';

export interface SpooledUpload {
  path: string;
  kind: UploadKind;
  fileName: string;
  size: number;
}

/** One line of the file: `row` is 1-based as an editor or Excel shows it (the header is row 1 usually). */
export interface SheetRow {
  row: number;
  cells: string[];
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const kindOf = (fileName: string): UploadKind | null => {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext === 'csv' || ext === 'xlsx' ? ext : null;
};

export const wrongType = () =>
  new AppError(
    415,
    'EXCHANGE_UPLOAD_TYPE',
    'Upload a .csv (UTF-8) or .xlsx file',
    '请上传 .csv（UTF-8 编码）或 .xlsx 文件（按文件内容识别）',
  );

/**
 * Writes the upload to a temporary file, refusing it when it is larger than maxBytes (413), not
 * a CSV or XLSX by content (415), or text that is not UTF-8 (415). The caller removes the file.
 */
export async function spoolUpload(
  file: AsyncIterable<Buffer>,
  fileName: string,
  maxBytes: number,
): Promise<SpooledUpload> {
  const kind = kindOf(fileName);
  if (!kind) throw wrongType();
  const path = join(tmpdir(), `govshare-upload-${randomUUID()}.${kind}`);
  const found: { mime?: string } = {};
  let size = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of sniffedStream(file, fileName, found)) {
      size += chunk.length;
      if (size > maxBytes)
        throw new AppError(
          413,
          'EXCHANGE_UPLOAD_TOO_LARGE',
          `The file is larger than ${Math.floor(maxBytes / 1048576)} MB`,
          `文件不能超过 ${Math.floor(maxBytes / 1048576)} MB，请拆分后分批上传`,
        );
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(counted()), createWriteStream(path));
    const expected = kind === 'csv' ? found.mime === 'text/csv' : found.mime === XLSX_MIME;
    if (!expected) throw wrongType();
    return { path, kind, fileName, size };
  } catch (e) {
    await rm(path, { force: true });
    if (e instanceof UnsupportedTypeError) {
      throw e.reason === 'encoding'
        ? new AppError(
            415,
            'EXCHANGE_UPLOAD_ENCODING',
            'CSV files must be UTF-8 encoded (in Excel: save as "CSV UTF-8")',
            'CSV 文件须为 UTF-8 编码（在 Excel 中另存为“CSV UTF-8（逗号分隔）”）',
          )
        : wrongType();
    }
    throw e;
  }
}

export const removeSpooled = (s: SpooledUpload) => rm(s.path, { force: true });

/** The rows of a spooled upload, header included; blank lines are skipped. */
export function readRows(s: SpooledUpload): AsyncGenerator<SheetRow> {
  return s.kind === 'csv' ? csvRows(createReadStream(s.path)) : xlsxRows(s.path);
}

export class CsvSyntaxError extends Error {
  constructor(readonly row: number) {
    super(`Unterminated quoted field starting on line ${row}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Errors of a quoted field left open, or closed in the middle of a value. */
const QUOTE_ERRORS = new Set([
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
  'CSV_INVALID_CLOSING_QUOTE',
]);

/**
 * RFC 4180 CSV through csv-parse, streamed: comma-separated, fields in double quotes may hold
 * commas, quotes ("") and line breaks (kept as \n); CRLF, LF or CR line ends; a leading BOM is
 * dropped; a stray quote inside an unquoted field is kept as text (as Excel does). Cells are
 * trimmed outside quotes. Each row carries the line it starts on, blank lines counted, as an editor
 * shows it; a quoted field left open (or closed in the middle of a value) is a CsvSyntaxError of
 * the row it starts on.
 */
export async function* csvRows(
  source: Iterable<Buffer | string> | AsyncIterable<Buffer | string>,
): AsyncGenerator<SheetRow> {
  // Where the next record starts: after the last one's lines and the blank lines the parser skipped.
  // Counted as the parser goes (on_record), so an error knows its row before the rows are read.
  let next = 1;
  let empty = 0;
  // on_record turns each record into a SheetRow; the parser's overloads only type string[] records.
  const options: Options<SheetRow, string[]> = {
    bom: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[], context: InfoRecord): SheetRow => {
      const row = next + context.empty_lines - empty;
      empty = context.empty_lines;
      const cells = record.map((c) => c.replace(/\r\n?/g, '\n'));
      next = row + 1 + cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
      return { row, cells };
    },
  };
  const parser = Readable.from(source).pipe(parse(options as unknown as Options));
  try {
    for await (const r of parser as AsyncIterable<SheetRow>) if (r.cells.some((c) => c !== '')) yield r;
  } catch (e) {
    if (e instanceof CsvError && QUOTE_ERRORS.has(e.code)) {
      const skipped = (e as CsvError & { empty_lines?: number }).empty_lines ?? empty;
      throw new CsvSyntaxError(next + skipped - empty);
    }
    throw e;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A date cell as the text a user would type: the date alone at midnight, else date and time (Excel stores wall-clock time as UTC). */
export function dateText(d: Date): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const ms = d.getUTCMilliseconds();
  if (!d.getUTCHours() && !d.getUTCMinutes() && !d.getUTCSeconds() && !ms) return date;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
}

/** What a cell shows, whatever Excel stored it as (shared string, rich text, formula result, hyperlink, date, number). */
export function xlsxCellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateText(v);
  if ('richText' in v)
    return v.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('formula' in v || 'sharedFormula' in v) return xlsxCellText((v as { result?: ExcelJS.CellValue }).result);
  if ('text' in v) return xlsxCellText(v.text as ExcelJS.CellValue);
  if ('error' in v) return String(v.error);
  return '';
}

/**
 * The first worksheet's rows, streamed (exceljs spools sheets stored before the shared strings to
 * a temporary file, so memory follows the rows, not the workbook). Later sheets are skipped.
 * Styles are read: only a cell's number format tells a date from a plain number.
 */
export async function* xlsxRows(path: string): AsyncGenerator<SheetRow> {
  const { stream } = await loadExcel();
  const reader = new stream.xlsx.WorkbookReader(path as unknown as Readable, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  let seen = false;
  for await (const ws of reader) {
    const keep = !seen;
    seen = true;
    for await (const row of ws) {
      if (!keep) continue;
      const values = row.values as ExcelJS.CellValue[];
      const cells: string[] = [];
      for (let c = 1; c < values.length; c++) cells.push(xlsxCellText(values[c]));
      if (cells.some((x) => x !== '')) yield { row: row.number, cells };
    }
  }
}
