import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../platform/excel';
import {
  ENTRY_COLUMNS,
  ENTRY_SHEET,
  EXAMPLE_MARK,
  ITEM_COLUMNS,
  ITEM_SHEET,
  type ColumnSpec,
  type EnumColumn,
} from './excel-columns';
import { openZip } from './excel-zip';

/** One problem in an uploaded workbook, located the way the user sees it: sheet, row, column header. */
export interface RowError {
  sheet: string;
  row: number;
  column: string | null;
  message: string;
  messageZh: string;
}

export interface SheetRows {
  /** Normalised header text → 1-based column number. */
  headers: Map<string, number>;
  headerRow: number;
  rows: Array<{ row: number; cells: Map<number, string> }>;
}

/** An entry row turned into EntryInput's shape, not yet validated. */
export interface ParsedEntry {
  row: number;
  input: Record<string, unknown> & { items: Array<Record<string, unknown>> };
  /** Sheet row of each element of input.items, so item problems point at the right row. */
  itemRows: number[];
}

const normaliseHeader = (h: string) =>
  h
    .replace(/[\s*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')');

/** What a user typed, whatever Excel stored it as (shared string, rich text, formula, hyperlink, date). */
export function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v)
    return v.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result);
  if ('text' in v) return cellText(v.text as ExcelJS.CellValue);
  if ('error' in v) return String(v.error);
  return '';
}

/**
 * What exceljs 4's streaming WorkbookReader does for each part of the archive, called here in the
 * order a reader needs them (relationships, workbook, shared strings, then the sheets) on parts
 * read through the archive's directory (excel-zip.ts explains why not its own front-to-back walk).
 * Internal to exceljs 4, hence the guarded look-up; the import tests read real workbooks through it.
 */
interface ReaderSteps {
  workbookRels?: Array<{ Id: string; Target: string }>;
  model?: { sheets?: Array<{ name: string; rId: string }> };
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseSharedStrings(part: Readable): AsyncIterable<unknown>;
  _parseWorksheet(part: Readable, sheetNo: string): Iterable<{ value: AsyncIterable<ExcelJS.Row> }>;
}

async function readerSteps(): Promise<ReaderSteps> {
  const { stream } = await loadExcel();
  const reader = new stream.xlsx.WorkbookReader(undefined as unknown as Readable, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  }) as unknown as ReaderSteps;
  for (const step of ['_parseRels', '_parseWorkbook', '_parseSharedStrings', '_parseWorksheet'] as const)
    if (typeof reader[step] !== 'function') throw new Error(`exceljs has no ${step} any more: see readWorkbook`);
  return reader;
}

/** A relationship target is relative to the workbook part's folder, or absolute from the package root. */
const partOf = (target: string) => posix.normalize(target.startsWith('/') ? target.slice(1) : posix.join('xl', target));

/**
 * Streams the two data sheets out of an .xlsx; other sheets (填写说明, 代码表) are skipped unread.
 * Memory stays bounded by the rows kept (and the shared strings), not by the decompressed workbook.
 */
export async function readWorkbook(path: string): Promise<Map<string, SheetRows>> {
  const wanted = new Set([ENTRY_SHEET, ITEM_SHEET]);
  const sheets = new Map<string, SheetRows>();
  const zip = await openZip(path);
  try {
    const reader = await readerSteps();
    const rels = zip.entry('xl/_rels/workbook.xml.rels');
    const book = zip.entry('xl/workbook.xml');
    if (!rels || !book) throw new Error('not a workbook: xl/workbook.xml or its relationships are missing');
    await reader._parseRels(await zip.text(rels));
    await reader._parseWorkbook(await zip.text(book));
    const strings = zip.entry('xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(await zip.text(strings)));
    for (const sheet of reader.model?.sheets ?? []) {
      const name = (sheet.name ?? '').trim();
      if (!wanted.has(name) || sheets.has(name)) continue;
      const target = reader.workbookRels?.find((r) => r.Id === sheet.rId)?.Target;
      const part = target === undefined ? undefined : zip.entry(partOf(target));
      if (!part) throw new Error(`not a workbook: sheet ${name} has no part`);
      const [emitted] = reader._parseWorksheet(await zip.text(part), part.name.match(/(\d+)\.xml$/)?.[1] ?? '0');
      if (!emitted) throw new Error('exceljs emitted no worksheet: see readWorkbook');
      sheets.set(name, await rowsOf(emitted.value));
    }
  } finally {
    await zip.close();
  }
  return sheets;
}

async function rowsOf(ws: AsyncIterable<ExcelJS.Row>): Promise<SheetRows> {
  const data: SheetRows = { headers: new Map(), headerRow: 0, rows: [] };
  for await (const row of ws) {
    const cells = new Map<number, string>();
    const values = row.values as ExcelJS.CellValue[];
    for (let c = 1; c < values.length; c++) {
      const text = cellText(values[c]);
      if (text) cells.set(c, text);
    }
    if (cells.size === 0) continue;
    if (!data.headerRow) {
      data.headerRow = row.number;
      for (const [c, text] of cells) data.headers.set(normaliseHeader(text), c);
    } else {
      data.rows.push({ row: row.number, cells });
    }
  }
  return data;
}

const MULTI_SEPARATOR = /[、,，;；\n\r]+/;

function enumLookup(e: EnumColumn): Map<string, string> {
  const m = new Map<string, string>();
  for (const [code, n] of Object.entries(e.names)) {
    m.set(code.toLowerCase(), code);
    m.set(n.zh, code);
  }
  return m;
}

/** '字符型', 'C', 'c' and 'C 字符型' / '字符型(C)' all mean the same code; anything ambiguous is refused. */
function resolveEnum(lookup: Map<string, string>, text: string): string | null {
  const direct = lookup.get(text) ?? lookup.get(text.toLowerCase());
  if (direct) return direct;
  const codes = new Set(
    text
      .split(/[\s\-—_()（）:：]+/)
      .filter(Boolean)
      .map((t) => lookup.get(t) ?? lookup.get(t.toLowerCase())),
  );
  return codes.size === 1 ? ([...codes][0] ?? null) : null;
}

export interface ParseLookups {
  /** Open domains by code and by Chinese name (admins may add domains, so they come from the database). */
  openDomains: Array<{ code: string; nameZh: string }>;
}

class RowReader<K extends string> {
  private readonly enums = new Map<string, Map<string, string>>();
  constructor(
    private readonly sheet: string,
    private readonly columns: ColumnSpec<K>[],
    private readonly data: SheetRows,
    private readonly errors: RowError[],
  ) {
    for (const c of columns) if (c.enumOf) this.enums.set(c.key, enumLookup(c.enumOf));
  }

  /** Headers the template requires but the sheet lacks: reported once, against the header row. */
  checkHeaders(): boolean {
    const missing = this.columns.filter((c) => c.required && !this.data.headers.has(normaliseHeader(c.header)));
    for (const c of missing) {
      this.errors.push({
        sheet: this.sheet,
        row: this.data.headerRow || 1,
        column: c.header,
        message: `Column "${c.header}" is missing`,
        messageZh: `缺少“${c.header}”列`,
      });
    }
    return missing.length === 0;
  }

  text(row: { cells: Map<number, string> }, key: K): string {
    const spec = this.columns.find((c) => c.key === key);
    const col = spec ? this.data.headers.get(normaliseHeader(spec.header)) : undefined;
    return col === undefined ? '' : (row.cells.get(col) ?? '');
  }

  private fail(row: number, key: K, message: string, messageZh: string) {
    const header = this.columns.find((c) => c.key === key)?.header ?? null;
    this.errors.push({ sheet: this.sheet, row, column: header, message, messageZh });
  }

  enumValue(row: { row: number; cells: Map<number, string> }, key: K): string | undefined {
    const text = this.text(row, key);
    if (!text) return undefined;
    const code = resolveEnum(this.enums.get(key)!, text);
    if (!code) this.invalidChoice(row.row, key, text);
    return code ?? undefined;
  }

  enumList(row: { row: number; cells: Map<number, string> }, key: K, lookup = this.enums.get(key)!): string[] {
    const out: string[] = [];
    for (const part of this.text(row, key)
      .split(MULTI_SEPARATOR)
      .map((s) => s.trim())
      .filter(Boolean)) {
      const code = resolveEnum(lookup, part);
      if (!code) this.invalidChoice(row.row, key, part, lookup);
      else if (!out.includes(code)) out.push(code);
    }
    return out;
  }

  integer(row: { row: number; cells: Map<number, string> }, key: K): number | undefined {
    const text = this.text(row, key);
    if (!text) return undefined;
    if (/^\d+(\.0+)?$/.test(text)) return Number.parseInt(text, 10);
    this.fail(row.row, key, `"${text}" is not a whole number`, `“${text}”不是整数`);
    return undefined;
  }

  private invalidChoice(row: number, key: K, text: string, lookup = this.enums.get(key)!) {
    const spec = this.columns.find((c) => c.key === key)!;
    const allowed = [...new Set(lookup.values())];
    const zhNames = spec.enumOf
      ? allowed.map((c) => spec.enumOf!.names[c]?.zh ?? c)
      : [...lookup.keys()].filter((k) => !/^[a-z_]+$/.test(k));
    this.fail(
      row,
      key,
      `"${text}" is not a valid ${spec.header}; allowed: ${allowed.join(', ')}`,
      `“${text}”不是有效的${spec.header}，可选：${zhNames.join('、')}`,
    );
  }
}

const optional = (s: string) => (s ? s : undefined);

/**
 * Turns the sheets into EntryInput-shaped objects plus the problems found while reading cells
 * (unknown names, item rows that point nowhere). Schema and business rules are checked afterwards,
 * on every row, so the user gets the whole list at once.
 */
export function rowsToEntries(
  sheets: Map<string, SheetRows>,
  lookups: ParseLookups,
): { entries: ParsedEntry[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const entrySheet = sheets.get(ENTRY_SHEET);
  const itemSheet = sheets.get(ITEM_SHEET);
  if (!entrySheet) {
    errors.push({
      sheet: ENTRY_SHEET,
      row: 1,
      column: null,
      message: `The workbook has no sheet "${ENTRY_SHEET}"`,
      messageZh: `文件中没有“${ENTRY_SHEET}”工作表，请使用下载的模板`,
    });
    return { entries: [], errors };
  }
  const er = new RowReader(ENTRY_SHEET, ENTRY_COLUMNS, entrySheet, errors);
  if (!er.checkHeaders()) return { entries: [], errors };

  const domainLookup = new Map<string, string>();
  for (const d of lookups.openDomains) {
    domainLookup.set(d.code.toLowerCase(), d.code);
    domainLookup.set(d.nameZh, d.code);
  }

  const entries: ParsedEntry[] = [];
  const byRow = new Map<number, ParsedEntry>();
  const exampleRows = new Set<number>();
  for (const r of entrySheet.rows) {
    const name = er.text(r, 'name');
    if (name.startsWith(EXAMPLE_MARK)) {
      exampleRows.add(r.row);
      continue;
    }
    const openDomains = er.enumList(r, 'openDomains', domainLookup);
    const relatedCodes = er
      .text(r, 'relatedCodes')
      .split(MULTI_SEPARATOR)
      .map((s) => s.trim())
      .filter(Boolean);
    const input: ParsedEntry['input'] = {
      // The class dropdown shows '101 人口'; the code is the leading digits.
      classCode: optional(er.text(r, 'classCode').match(/^\s*(\S+)/)?.[1] ?? ''),
      name: optional(name),
      summary: optional(er.text(r, 'summary')),
      providerOffice: optional(er.text(r, 'providerOffice')),
      formatKind: er.enumValue(r, 'formatKind'),
      formatType: optional(er.text(r, 'formatType')),
      shareType: er.enumValue(r, 'shareType'),
      shareCondition: optional(er.text(r, 'shareCondition')),
      shareMethods: er.enumList(r, 'shareMethods'),
      openType: er.enumValue(r, 'openType'),
      openCondition: optional(er.text(r, 'openCondition')),
      updateCycle: er.enumValue(r, 'updateCycle'),
      openDomains: openDomains.length ? openDomains : undefined,
      relatedCodes: relatedCodes.length ? [...new Set(relatedCodes)] : undefined,
      items: [],
    };
    for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
    const parsed: ParsedEntry = { row: r.row, input, itemRows: [] };
    entries.push(parsed);
    byRow.set(r.row, parsed);
  }

  if (itemSheet) {
    const ir = new RowReader(ITEM_SHEET, ITEM_COLUMNS, itemSheet, errors);
    if (ir.checkHeaders()) {
      for (const r of itemSheet.rows) {
        const link = ir.integer(r, 'entryRow');
        if (link !== undefined && exampleRows.has(link)) continue;
        const owner = link === undefined ? undefined : byRow.get(link);
        if (!owner) {
          const text = ir.text(r, 'entryRow');
          errors.push({
            sheet: ITEM_SHEET,
            row: r.row,
            column: '资源序号',
            message: text ? `No entry in row ${text} of sheet "${ENTRY_SHEET}"` : 'The entry row number is required',
            messageZh: text ? `“${ENTRY_SHEET}”工作表第${text}行没有信息资源` : '请填写资源序号',
          });
          continue;
        }
        const item: Record<string, unknown> = {
          name: optional(ir.text(r, 'name')),
          fieldName: optional(ir.text(r, 'fieldName')),
          dataType: ir.enumValue(r, 'dataType'),
          length: ir.integer(r, 'length'),
          description: optional(ir.text(r, 'description')),
          sensitivity: ir.enumValue(r, 'sensitivity'),
          maskRule: optional(ir.text(r, 'maskRule')),
          shareType: ir.enumValue(r, 'shareType'),
          openType: ir.enumValue(r, 'openType'),
        };
        for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k];
        owner.input.items.push(item);
        owner.itemRows.push(r.row);
      }
    }
  }
  return { entries, errors };
}
