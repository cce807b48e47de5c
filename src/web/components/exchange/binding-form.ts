import type { DataItem } from '../../api/catalog';
import type { ColumnMapping, SourceColumn } from '../../api/exchange';

/** Mirrors managedColumns() in src/server/modules/exchange/center-service.ts: the center's column of each item. */
const IDENT = /^[a-z][a-z0-9_]{0,62}$/;
export function managedColumns(
  items: ReadonlyArray<DataItem & { position: number }>,
): Array<{ item: DataItem; column: string }> {
  const used = new Set<string>();
  return items.map((item) => {
    const field = (item.fieldName ?? '').toLowerCase();
    let column = IDENT.test(field) && !field.startsWith('_gs') ? field : `c_${item.position}`;
    while (used.has(column)) column = `${column}_${item.position}`;
    used.add(column);
    return { item, column };
  });
}

const norm = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/[\s_-]/g, '');

/**
 * A first guess at the column map, for the user to correct: a source column with the item's field
 * name, or whose comment is the item's name. The server takes whatever the user saves.
 */
export function suggestMap(
  items: Array<{ item: DataItem; column: string }>,
  columns: readonly SourceColumn[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  for (const { item, column } of items) {
    const hit = columns.find(
      (c) => !taken.has(c.name) && (norm(c.name) === norm(column) || (!!c.comment && c.comment.trim() === item.name)),
    );
    if (hit) {
      out[column] = hit.name;
      taken.add(hit.name);
    }
  }
  return out;
}

export const toColumnMap = (map: Record<string, string>): ColumnMapping[] =>
  Object.entries(map)
    .filter(([, source]) => !!source)
    .map(([column, sourceColumn]) => ({ column, sourceColumn }));
