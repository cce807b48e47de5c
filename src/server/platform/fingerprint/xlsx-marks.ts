import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel';
import { markHex, markOfHex, rowBit, voteOf, type Vote } from './mark';

/**
 * XLSX carries the mark three ways. Whole file: in the document properties (keywords) and in a
 * very hidden sheet (Excel's unhide dialog does not list it). Per row: whether the row's first
 * non-empty cell is unlocked — cell protection only takes effect on a protected sheet, which these
 * are not, so nothing shows, yet the style goes with the cell when rows are copied into another
 * workbook or the file is saved again.
 */

export const MARK_SHEET = '_govshare';
const KEYWORD = 'govshare-download:';
const UNLOCKED: Partial<ExcelJS.Protection> = { locked: false };

/** A cell's value as a reader gets it back, as text (line breaks as XML reads them). */
function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return textOf(o.result);
    if (typeof o.text === 'string') return o.text;
  }
  return JSON.stringify(v);
}

/** A row's cell values (first cell first) as its keyed-hash input; trailing empty cells do not count. */
function canonicalOf(values: readonly unknown[]): { text: string; carrier: number } {
  // Array.from: a read row's values are sparse, and a hole is an empty cell.
  const texts = Array.from(values, (v) => textOf(v));
  while (texts.length && texts[texts.length - 1] === '') texts.pop();
  return { text: texts.join('\u001f'), carrier: texts.findIndex((t) => t !== '') };
}

/** Sets the bit of a row just added with `values` (cell i+1 holds values[i]). */
export function markXlsxRow(key: Buffer, mark: bigint, row: ExcelJS.Row, values: readonly unknown[]): void {
  const { text, carrier } = canonicalOf(values);
  if (carrier < 0 || rowBit(key, mark, text) === 0) return;
  const cell = row.getCell(carrier + 1);
  // A fresh style object: cells may share theirs with a column or a header style.
  cell.style = { ...cell.style, protection: UNLOCKED };
}

/** The whole-file marks, set before the first sheet is added. */
export function markXlsxWorkbook(wb: ExcelJS.stream.xlsx.WorkbookWriter, mark: bigint): void {
  wb.keywords = `${KEYWORD}${markHex(mark)}`;
}

/** The very hidden sheet naming the mark, added last. */
export function addMarkSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, mark: bigint): void {
  const ws = wb.addWorksheet(MARK_SHEET, { state: 'veryHidden' });
  ws.addRow([markHex(mark)]).commit();
  ws.commit();
}

export interface XlsxReading {
  votes: Vote[];
  /** Marks named by the document properties or the hidden sheet. */
  embedded: bigint[];
}

/** What a workbook's properties, hidden sheet and rows say about the mark. */
export async function xlsxVotes(key: Buffer, file: Buffer): Promise<XlsxReading> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const embedded = new Set<bigint>();
  const named = (s: unknown) => {
    const m = typeof s === 'string' ? /([0-9a-f]{16})/i.exec(s) : null;
    const mark = m ? markOfHex(m[1]!) : null;
    if (mark !== null) embedded.add(mark);
  };
  if (wb.keywords?.includes(KEYWORD)) named(wb.keywords.slice(wb.keywords.indexOf(KEYWORD) + KEYWORD.length));
  const votes: Vote[] = [];
  wb.eachSheet((ws) => {
    if (ws.name === MARK_SHEET) {
      named(ws.getCell(1, 1).value);
      return;
    }
    ws.eachRow((row) => {
      const values = (row.values as unknown[]).slice(1);
      const { text, carrier } = canonicalOf(values);
      if (carrier < 0) return;
      const unlocked = row.getCell(carrier + 1).protection?.locked === false;
      votes.push(voteOf(key, text, unlocked ? 1 : 0));
    });
  });
  return { votes, embedded: [...embedded] };
}
