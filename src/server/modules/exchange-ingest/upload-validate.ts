import type { ManagedColumn } from '../../db/types';
import { rowKey } from './pull-service';
import { formatCheckFor, type FormatCheck } from './quality-checks';

/**
 * table upload, checking side: which file column fills which data item, and every row
 * checked against the item's type (the managed column's), length, key and check digits. Pure: no
 * database, so the whole file is judged before anything is written.
 */

/** A managed column with what a header may call it. */
export interface UploadField extends ManagedColumn {
  /** 信息项名称 */
  name: string;
  /** The item's field name as catalogued (the column name may differ: c_<position>). */
  fieldName: string | null;
}

export interface UploadProblem {
  /** 1-based row in the file, header included. */
  row: number;
  /** The managed column (field name), or null for a problem of the whole row. */
  field: string | null;
  value: string | null;
  message: string;
  messageZh: string;
}

/** A value as the managed table takes it (through upsertRows' text casts). */
export type CellValue = string | Buffer | null;

const MAX_VALUE_SHOWN = 100;
const shown = (v: string) => (v.length > MAX_VALUE_SHOWN ? `${v.slice(0, MAX_VALUE_SHOWN)}…` : v);

const normName = (s: string) =>
  s
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();

/** Finds a field by column name, catalogued field name or Chinese item name (in that order). */
export function fieldNamed(fields: readonly UploadField[], name: string): UploadField | undefined {
  const n = normName(name);
  if (!n) return undefined;
  return (
    fields.find((f) => f.column === n) ??
    fields.find((f) => f.fieldName !== null && normName(f.fieldName) === n) ??
    fields.find((f) => normName(f.name) === n)
  );
}

export interface HeaderPlan {
  /** For each file column: the field it fills, or null (ignored). */
  targets: Array<UploadField | null>;
  /** Header texts that name no data item. */
  ignored: string[];
  problems: UploadProblem[];
}

export function planHeaders(
  headerRow: number,
  headers: readonly string[],
  fields: readonly UploadField[],
  keys: readonly UploadField[],
): HeaderPlan {
  const targets: Array<UploadField | null> = [];
  const ignored: string[] = [];
  const problems: UploadProblem[] = [];
  const used = new Set<string>();
  for (const h of headers) {
    const f = h.trim() ? fieldNamed(fields, h) : undefined;
    if (!f) {
      if (h.trim()) ignored.push(h.trim());
      targets.push(null);
    } else if (used.has(f.column)) {
      problems.push({
        row: headerRow,
        field: f.column,
        value: shown(h),
        message: `Column ${f.column} appears twice in the header`,
        messageZh: `表头中“${f.name}”（${f.column}）出现了两次`,
      });
      targets.push(null);
    } else {
      used.add(f.column);
      targets.push(f);
    }
  }
  for (const k of keys) {
    if (!used.has(k.column))
      problems.push({
        row: headerRow,
        field: k.column,
        value: null,
        message: `The key column ${k.column} is missing from the header`,
        messageZh: `表头中缺少主键字段“${k.name}”（${k.column}）`,
      });
  }
  return { targets, ignored, problems };
}

type Check = { ok: true; value: CellValue } | { ok: false; message: string; messageZh: string };
const ok = (value: CellValue): Check => ({ ok: true, value });
const bad = (message: string, messageZh: string): Check => ({ ok: false, message, messageZh });

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$/;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Numbers may carry thousands separators as Excel shows them (1,234.5). */
const ungroup = (v: string) => (GROUPED.test(v) ? v.replace(/,/g, '') : v);

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const pad = (s: string) => s.padStart(2, '0');
const DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DATETIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?$/;

function checkDate(v: string): Check {
  const m = DATE.exec(v);
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!))
    return bad('Not a date (YYYY-MM-DD)', '不是有效日期（格式 YYYY-MM-DD）');
  return ok(`${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`);
}

function checkDateTime(v: string): Check {
  const m = DATETIME.exec(v);
  const [h, mi, s] = [Number(m?.[4] ?? 0), Number(m?.[5] ?? 0), Number(m?.[6] ?? 0)];
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!) || h > 23 || mi > 59 || s > 59)
    return bad('Not a date and time (YYYY-MM-DD HH:MM:SS)', '不是有效的日期时间（格式 YYYY-MM-DD HH:MM:SS）');
  return ok(`${m[1]}-${pad(m[2]!)}-${pad(m[3]!)} ${pad(String(h))}:${pad(String(mi))}:${pad(String(s))}${m[7] ?? ''}`);
}

const TRUE = new Set(['是', 'true', '1', 'y', 'yes']);
const FALSE = new Set(['否', 'false', '0', 'n', 'no']);

/** A cell's text against the column's type; the value returned is what PostgreSQL parses back. */
export function checkValue(v: string, f: UploadField, format: FormatCheck | null): Check {
  switch (f.dataType) {
    case 'N':
    case 'B':
    case 'F': {
      const n = ungroup(v);
      if (!DECIMAL.test(n) || !Number.isFinite(Number(n))) return bad('Not a number', '不是有效数字');
      return ok(n);
    }
    case 'Y': {
      const n = ungroup(v);
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(n)) return bad('Not an amount', '不是有效金额');
      // numeric(20,4): at most 16 digits before the point.
      if (n.replace(/^[+-]/, '').split('.')[0]!.replace(/^0+/, '').length > 16)
        return bad('Amount too large (at most 16 integer digits)', '金额过大（整数部分至多 16 位）');
      return ok(n);
    }
    case 'I': {
      const n = ungroup(v).replace(/\.0+$/, '');
      if (!/^[+-]?\d+$/.test(n)) return bad('Not an integer', '不是整数');
      const b = BigInt(n);
      if (b < INT64_MIN || b > INT64_MAX) return bad('Integer out of range', '整数超出范围');
      return ok(b.toString());
    }
    case 'D':
      return checkDate(v);
    case 'T':
      return checkDateTime(v);
    case 'L': {
      const s = v.toLowerCase();
      if (TRUE.has(s)) return ok('true');
      if (FALSE.has(s)) return ok('false');
      return bad('Not a yes/no value (是/否, true/false, 1/0)', '不是有效的逻辑值（是/否、true/false、1/0）');
    }
    case 'G': {
      if (/^\\x([0-9a-f]{2})*$/i.test(v)) return ok(Buffer.from(v.slice(2), 'hex'));
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) return ok(Buffer.from(v, 'base64'));
      return bad('Binary values must be Base64 or \\x hex', '二进制内容须为 Base64 或 \\x 十六进制');
    }
    default: {
      const max = Number(/^varchar\((\d+)\)$/.exec(f.pgType)?.[1] ?? 0);
      // PostgreSQL counts characters (code points), not bytes or UTF-16 units.
      const length = [...v].length;
      if (max && length > max)
        return bad(`Longer than ${max} characters (${length})`, `超过 ${max} 个字符（${length} 个）`);
      if (format && !format.valid(v))
        return bad(
          `Invalid ${format.rule === 'id_number' ? 'ID card number' : 'unified social credit code'} (check digit or format)`,
          `${format.rule === 'id_number' ? '公民身份号码' : '统一社会信用代码'}无效（格式或校验位错误）`,
        );
      return ok(v);
    }
  }
}

/** Only the rules with check digits refuse a row; looser formats (mobile, e-mail) are left to quality measurement. */
const REFUSING_RULES = new Set(['id_number', 'credit_code']);

export const MAX_PROBLEMS = 1000;

/**
 * Checks the data rows one by one; keeps each good row (key first, then one value per written
 * column) and the first MAX_PROBLEMS problems, counting the rest.
 */
export class RowChecker {
  readonly rows: CellValue[][] = [];
  readonly problems: UploadProblem[] = [];
  problemCount = 0;
  rowsWithProblems = 0;
  private readonly seen = new Map<string, number>();
  private readonly formats: Array<FormatCheck | null>;

  /** written: the columns each kept row holds values for, in order. */
  constructor(
    private readonly plan: HeaderPlan,
    readonly written: readonly UploadField[],
    private readonly keys: readonly UploadField[],
    /** False when the header lacks a key column: values are checked, duplicates cannot be. */
    private readonly keyed = true,
  ) {
    this.formats = plan.targets.map((f) => {
      const check = f ? formatCheckFor({ name: f.name, dataType: f.dataType }) : null;
      return check && REFUSING_RULES.has(check.rule) ? check : null;
    });
  }

  add(p: UploadProblem): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
  }

  check(row: number, cells: readonly string[]): void {
    const before = this.problemCount;
    const values = new Map<string, CellValue>();
    this.plan.targets.forEach((f, i) => {
      if (!f) return;
      const raw = (cells[i] ?? '').trim();
      if (raw === '') return;
      const r = checkValue(raw, f, this.formats[i]!);
      if (r.ok) values.set(f.column, r.value);
      else this.add({ row, field: f.column, value: shown(raw), message: r.message, messageZh: r.messageZh });
    });
    const keyValues: Record<string, unknown> = {};
    for (const k of this.keys) {
      const v = values.get(k.column);
      if (v === undefined || v === null) {
        // A key cell that failed its type check is reported once, as that.
        if (!this.plan.targets.some((t, i) => t?.column === k.column && (cells[i] ?? '').trim() !== '')) {
          this.add({
            row,
            field: k.column,
            value: null,
            message: `The key field ${k.column} is empty`,
            messageZh: `主键字段“${k.name}”不能为空`,
          });
        }
      } else {
        keyValues[k.column] = Buffer.isBuffer(v) ? v.toString('hex') : v;
      }
    }
    if (this.problemCount === before && this.keyed) {
      const key = rowKey(
        keyValues,
        this.keys.map((k) => k.column),
      );
      const first = this.seen.get(key);
      if (first !== undefined) {
        this.add({
          row,
          field: this.keys.length === 1 ? this.keys[0]!.column : null,
          value: shown(key),
          message: `Duplicate key: same as row ${first}`,
          messageZh: `主键重复：与第 ${first} 行相同`,
        });
      } else {
        this.seen.set(key, row);
        this.rows.push([key, ...this.written.map((w) => values.get(w.column) ?? null)]);
      }
    }
    if (this.problemCount > before) this.rowsWithProblems++;
  }
}
