import type { DataType } from '../../../shared/catalog/enums';
import type { SourceColumn } from './connectors/types';

/**
 * Catalog data types (national guide codes) → the PostgreSQL column type of the managed table in
 * the data resource center. Wide on purpose: a managed column must accept every value the source
 * column compatible with it can hold.
 *
 * | code | meaning   | PostgreSQL          | why |
 * |------|-----------|---------------------|-----|
 * | C    | 字符型     | varchar(length)/text | the item's length when it has one |
 * | N    | 数值型     | numeric             | exact; the guide gives no scale |
 * | Y    | 货币型     | numeric(20,4)       | money never goes through binary floating point |
 * | D    | 日期型     | date                | |
 * | T    | 日期时间型 | timestamp           | sources store local wall-clock time without a zone; a zone would shift it |
 * | L    | 逻辑型     | boolean             | |
 * | M    | 备注型     | text                | |
 * | G    | 通用型     | bytea               | binary content |
 * | B    | 双精度型   | double precision    | |
 * | I    | 整型       | bigint              | MySQL unsigned int and PostgreSQL int8 both fit |
 * | F    | 浮点型     | double precision    | a source float widens exactly; real would lose digits of a double |
 */
export const CATALOG_TO_PG_TYPE: Readonly<Record<DataType, string>> = {
  C: 'text',
  N: 'numeric',
  Y: 'numeric(20,4)',
  D: 'date',
  T: 'timestamp',
  L: 'boolean',
  M: 'text',
  G: 'bytea',
  B: 'double precision',
  I: 'bigint',
  F: 'double precision',
};

/** The managed column's type for an item: C with a length becomes varchar(length). */
export function pgColumnType(dataType: DataType, length?: number | null): string {
  if (dataType === 'C' && length && length > 0) return `varchar(${length})`;
  return CATALOG_TO_PG_TYPE[dataType];
}

type Family = 'text' | 'integer' | 'decimal' | 'float' | 'date' | 'timestamp' | 'time' | 'boolean' | 'binary' | 'other';

const FAMILY_OF: Record<string, Family> = {};
const family = (f: Family, words: string) => words.split(' ').forEach((w) => (FAMILY_OF[w] = f));
family('boolean', 'bool boolean');
family('integer', 'tinyint smallint mediumint int integer bigint int2 int4 int8 serial smallserial bigserial');
family('decimal', 'numeric decimal money');
family('float', 'real float double float4 float8');
family('date', 'date');
family('timestamp', 'timestamp timestamptz datetime');
family('time', 'time timetz year interval');
family('binary', 'bytea blob tinyblob mediumblob longblob binary varbinary');
family(
  'text',
  'char varchar character text tinytext mediumtext longtext nchar nvarchar uuid json jsonb enum set citext xml inet',
);

/** The family of a PostgreSQL or MySQL/MariaDB type as format_type / information_schema spell it. */
export function typeFamily(sourceType: string): Family {
  const t = sourceType.toLowerCase().trim();
  // MySQL's conventional boolean; a one-bit field is a flag too.
  if (t === 'tinyint(1)' || t === 'bit' || t === 'bit(1)') return 'boolean';
  const first = t.split(/[\s(]/, 1)[0] ?? '';
  return FAMILY_OF[first] ?? 'other';
}

/** Families a source column may have for the item's type; the first is the natural one. */
const COMPATIBLE: Record<DataType, readonly Family[]> = {
  C: ['text', 'integer', 'decimal', 'date', 'timestamp', 'time'],
  M: ['text'],
  N: ['decimal', 'integer', 'float'],
  Y: ['decimal', 'integer'],
  B: ['float', 'decimal', 'integer'],
  F: ['float', 'decimal', 'integer'],
  I: ['integer'],
  D: ['date', 'timestamp'],
  T: ['timestamp', 'date'],
  L: ['boolean', 'integer'],
  G: ['binary'],
};

export const isCompatible = (dataType: DataType, sourceType: string) =>
  COMPATIBLE[dataType].includes(typeFamily(sourceType));

export interface MappableItem {
  id: string;
  name: string;
  fieldName: string;
  dataType: DataType;
}

export interface ColumnSuggestion {
  itemId: string;
  itemName: string;
  fieldName: string;
  /** The suggested source column, or null when none is close enough and type-compatible. */
  column: string | null;
  /** 0..1; 1 is an exact field-name match. */
  score: number;
  basis: 'field_name' | 'comment' | 'similar_name' | null;
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Dice coefficient over character bigrams (single characters for one-letter strings): order-tolerant and short-name friendly. */
export function similarity(a: string, b: string): number {
  const x = norm(a);
  const y = norm(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const grams = (s: string) => (s.length < 2 ? [s] : Array.from({ length: s.length - 1 }, (_, i) => s.slice(i, i + 2)));
  const gx = grams(x);
  const pool = grams(y);
  let hits = 0;
  for (const g of gx) {
    const i = pool.indexOf(g);
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return (2 * hits) / (gx.length + grams(y).length);
}

const THRESHOLD = 0.6;

function score(col: SourceColumn, item: MappableItem): Pick<ColumnSuggestion, 'score' | 'basis'> {
  if (norm(col.name) === norm(item.fieldName)) return { score: 1, basis: 'field_name' };
  if (col.comment && norm(col.comment) === norm(item.name)) return { score: 0.95, basis: 'comment' };
  const s =
    Math.max(
      similarity(col.name, item.fieldName),
      col.comment ? similarity(col.comment, item.name) : 0,
      similarity(col.name, item.name),
    ) * 0.9;
  return s >= THRESHOLD ? { score: Math.round(s * 100) / 100, basis: 'similar_name' } : { score: 0, basis: null };
}

/**
 * A first proposal for which source column feeds which data item: by field name, then by the
 * column's comment against the item's Chinese name, then by name similarity; only type-compatible
 * pairs; each column used once, best pairs first. The specialist confirms or changes it.
 */
export function suggestColumnMapping(
  columns: readonly SourceColumn[],
  items: readonly MappableItem[],
): ColumnSuggestion[] {
  const pairs: Array<{ ci: number; ii: number; score: number; basis: ColumnSuggestion['basis'] }> = [];
  columns.forEach((col, ci) =>
    items.forEach((item, ii) => {
      if (!isCompatible(item.dataType, col.dataType)) return;
      const s = score(col, item);
      if (s.basis) pairs.push({ ci, ii, ...s });
    }),
  );
  // Stable tie-break on position keeps the proposal deterministic.
  pairs.sort((a, b) => b.score - a.score || a.ii - b.ii || a.ci - b.ci);
  const byItem = new Map<number, (typeof pairs)[number]>();
  const usedCols = new Set<number>();
  for (const p of pairs) {
    if (byItem.has(p.ii) || usedCols.has(p.ci)) continue;
    byItem.set(p.ii, p);
    usedCols.add(p.ci);
  }
  return items.map((item, ii) => {
    const p = byItem.get(ii);
    return {
      itemId: item.id,
      itemName: item.name,
      fieldName: item.fieldName,
      column: p ? columns[p.ci]!.name : null,
      score: p?.score ?? 0,
      basis: p?.basis ?? null,
    };
  });
}

/**
 * The column type of a pushed item in the consumer's database. PostgreSQL takes the managed
 * column's own type; MySQL/MariaDB the nearest equivalent. A masked item is text in both: its
 * value is a string with * in it, whatever the item's type.
 */
export function targetColumnType(
  kind: 'postgresql' | 'mysql',
  c: { dataType: string; pgType: string },
  masked: boolean,
): string {
  if (masked) return 'text';
  if (kind === 'postgresql') return c.pgType;
  const length = /^varchar\((\d+)\)$/.exec(c.pgType)?.[1];
  return length && Number(length) <= 4000
    ? `varchar(${length})`
    : (CATALOG_TO_MYSQL_TYPE[c.dataType as DataType] ?? 'longtext');
}

const CATALOG_TO_MYSQL_TYPE: Readonly<Record<DataType, string>> = {
  C: 'longtext',
  N: 'decimal(65,10)',
  Y: 'decimal(20,4)',
  D: 'date',
  T: 'datetime',
  L: 'tinyint(1)',
  M: 'longtext',
  G: 'longblob',
  B: 'double',
  I: 'bigint',
  F: 'double',
};
