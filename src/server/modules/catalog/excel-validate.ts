import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { ENTRY_COLUMNS, ENTRY_SHEET, ITEM_COLUMNS, ITEM_SHEET, headerOf } from './excel-columns';
import type { ParsedEntry, RowError } from './excel-parse';
import { EntryInput, type FieldProblem } from '../../../shared/catalog/schemas';

/**
 * Locates a problem in the workbook from an EntryInput field path: 'shareCondition' or
 * '/shareCondition' is a cell of the entry's row, 'items[2].dataType' or '/items/2/dataType' a cell
 * of the third item's row in the item sheet.
 */
export function locate(entry: ParsedEntry, field: string): { sheet: string; row: number; column: string | null } {
  const parts = field
    .replace(/\[(\d+)\]/g, '/$1')
    .split(/[/.]/)
    .filter(Boolean);
  if (parts[0] === 'items') {
    const index = Number(parts[1]);
    const row = Number.isInteger(index) ? entry.itemRows[index] : undefined;
    // 'items' alone (e.g. "needs at least one item") belongs to the entry row.
    if (row === undefined) return { sheet: ENTRY_SHEET, row: entry.row, column: null };
    return { sheet: ITEM_SHEET, row, column: parts[2] ? headerOf(ITEM_COLUMNS, parts[2]) : null };
  }
  return { sheet: ENTRY_SHEET, row: entry.row, column: parts[0] ? headerOf(ENTRY_COLUMNS, parts[0]) : null };
}

const limit = (e: ValueError, key: string) => (e.schema as Record<string, unknown>)[key];

/** TypeBox says what is wrong in English only; these are the cases a filled-in sheet can reach. */
const ZH: Partial<Record<ValueErrorType, (e: ValueError) => string>> = {
  [ValueErrorType.ObjectRequiredProperty]: () => '必填，不能为空',
  [ValueErrorType.StringMinLength]: () => '不能为空',
  [ValueErrorType.StringMaxLength]: (e) => `不能超过${String(limit(e, 'maxLength'))}个字符`,
  [ValueErrorType.StringPattern]: (e) =>
    e.path.endsWith('/fieldName') ? '字段名须以小写字母开头，只含小写字母、数字和下划线，至多63个字符' : '格式不正确',
  [ValueErrorType.ArrayMinItems]: () => '至少填写一项',
  [ValueErrorType.ArrayMaxItems]: (e) => `至多${String(limit(e, 'maxItems'))}项`,
  [ValueErrorType.ArrayUniqueItems]: () => '不能重复填写同一项',
  [ValueErrorType.IntegerMinimum]: (e) => `不能小于${String(limit(e, 'minimum'))}`,
  [ValueErrorType.IntegerMaximum]: (e) => `不能大于${String(limit(e, 'maximum'))}`,
  [ValueErrorType.Integer]: () => '须为整数',
  [ValueErrorType.Union]: () => '取值无效，请从下拉列表中选择',
  [ValueErrorType.Literal]: () => '取值无效，请从下拉列表中选择',
};
const schemaMessageZh = (e: ValueError) => ZH[e.type]?.(e) ?? '填写不正确';

/** Checks one parsed entry against the EntryInput schema, the same one the API validates. */
export function schemaErrors(entry: ParsedEntry): RowError[] {
  const out: RowError[] = [];
  const paths = new Set<string>();
  for (const e of Value.Errors(EntryInput, entry.input)) {
    // A union reports itself and each alternative; the first report per path is the useful one.
    if (paths.has(e.path)) continue;
    paths.add(e.path);
    out.push({ ...locate(entry, e.path), message: e.message, messageZh: schemaMessageZh(e) });
  }
  return out;
}

export function ruleErrors(entry: ParsedEntry, problems: FieldProblem[]): RowError[] {
  return problems.map((p) => ({ ...locate(entry, p.field), message: p.message, messageZh: p.messageZh }));
}

/**
 * The rules read fields without checking their presence (the API has validated the schema first);
 * a sheet row may lack any of them, so blanks stand in and the schema error about the cell is kept.
 */
export function shapedForRules(input: ParsedEntry['input']): EntryInput {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    ...input,
    classCode: str(input.classCode),
    name: str(input.name),
    summary: str(input.summary),
    shareMethods: Array.isArray(input.shareMethods) ? input.shareMethods : [],
    items: input.items.map((i) => ({ ...i, name: str(i.name) })),
  } as EntryInput;
}

/** Names must differ within one file; the second and later rows carrying a name are reported. */
export function duplicateNames(entries: ParsedEntry[]): RowError[] {
  const first = new Map<string, number>();
  const out: RowError[] = [];
  for (const e of entries) {
    const name = typeof e.input.name === 'string' ? e.input.name.trim() : '';
    if (!name) continue;
    const seen = first.get(name);
    if (seen === undefined) first.set(name, e.row);
    else {
      out.push({
        sheet: ENTRY_SHEET,
        row: e.row,
        column: headerOf(ENTRY_COLUMNS, 'name'),
        message: `"${name}" is already used in row ${seen}`,
        messageZh: `信息资源名称“${name}”与第${seen}行重复`,
      });
    }
  }
  return out;
}

const columnIndex = (sheet: string, column: string | null) => {
  if (column === null) return -1;
  return (sheet === ITEM_SHEET ? ITEM_COLUMNS : ENTRY_COLUMNS).findIndex((c) => c.header === column);
};

/** One message per cell (the first found), ordered as the user reads the workbook: sheet, row, column. */
export function tidyErrors(errors: RowError[]): RowError[] {
  const seen = new Set<string>();
  const sheetOrder = (s: string) => (s === ENTRY_SHEET ? 0 : s === ITEM_SHEET ? 1 : 2);
  return errors
    .filter((e) => {
      const key = `${e.sheet}|${e.row}|${e.column ?? ''}`;
      if (e.column !== null && seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        sheetOrder(a.sheet) - sheetOrder(b.sheet) ||
        a.row - b.row ||
        columnIndex(a.sheet, a.column) - columnIndex(b.sheet, b.column),
    );
}
