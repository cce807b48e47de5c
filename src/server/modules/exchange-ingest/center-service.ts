import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { ManagedColumn } from '../../db/types';
import { conflict, notFound } from '../../platform/errors';
import type { DataType } from '../../../shared/catalog/enums';
import { type EntryVersion, publishedVersionOf } from '../catalog';
import * as repo from './center-repo';
import { pgColumnType } from './mapping';

/**
 * R-20 data resource center: each 库表 entry's rows in one managed table, rc.e_<class>_<seq>, whose
 * columns are the entry's data items (types by CATALOG_TO_PG_TYPE) plus the key, run and load time
 * the table jobs keep. A new catalog version reshapes the table to its items.
 */

/** 102/000001 → e_102_000001: unique because entry codes are. */
export const managedTableName = (code: string) => `e_${code.replace(/[^0-9a-z]/gi, '_').toLowerCase()}`;

const IDENT = /^[a-z][a-z0-9_]{0,62}$/;

/** A data item's column: its field name when that is a plain identifier, else c_<position>. */
export function managedColumns(v: Pick<EntryVersion, 'items'>): ManagedColumn[] {
  const used = new Set<string>();
  return v.items.map((i) => {
    const field = (i.fieldName ?? '').toLowerCase();
    let column = IDENT.test(field) && !field.startsWith('_gs') ? field : `c_${i.position}`;
    while (used.has(column)) column = `${column}_${i.position}`;
    used.add(column);
    return { itemId: i.id, column, dataType: i.dataType, pgType: pgColumnType(i.dataType as DataType, i.length) };
  });
}

/** Entries whose rows the center holds: those shared as database tables. */
export const isTableEntry = (v: Pick<EntryVersion, 'shareMethods'>) => v.shareMethods.includes('table');

export interface ManagedTable {
  name: string;
  versionId: string;
  columns: ManagedColumn[];
}

/**
 * Creates the entry's managed table, or reshapes it to the published version's items (columns kept
 * by name, added, dropped or retyped). Idempotent; runs in one transaction (DDL is transactional).
 */
export async function ensureManagedTable(ctx: AppContext, entryId: string): Promise<ManagedTable> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!isTableEntry(v))
    throw conflict(
      'EXCHANGE_NOT_TABLE',
      'The resource is not shared as a database table',
      '该信息资源的共享方式不含库表',
    );
  return inTransaction(ctx, async (db) => {
    const columns = managedColumns(v);
    const now = ctx.clock.now();
    const existing = await repo.findManaged(db, entryId);
    const name = existing?.table_name ?? managedTableName(v.code);
    if (!existing) {
      await repo.createTable(db, name, columns);
    } else if (existing.version_id !== v.id) {
      const before = new Map(existing.columns.map((c) => [c.column, c]));
      const after = new Set(columns.map((c) => c.column));
      for (const old of existing.columns) if (!after.has(old.column)) await repo.dropColumn(db, name, old.column);
      for (const c of columns) {
        const was = before.get(c.column);
        if (!was) await repo.addColumn(db, name, c);
        else if (was.pgType !== c.pgType) await repo.retypeColumn(db, name, c);
      }
    } else {
      return { name, versionId: v.id, columns: existing.columns };
    }
    await repo.saveManaged(db, {
      entry_id: entryId,
      table_name: name,
      version_id: v.id,
      columns: JSON.stringify(columns),
      created_at: now,
      updated_at: now,
    });
    return { name, versionId: v.id, columns };
  });
}

/** Called when a version is published: an entry that already has a managed table follows its items at once. */
export async function followPublishedVersion(ctx: AppContext, entryId: string): Promise<void> {
  const existing = await repo.findManaged(ctx.db, entryId);
  const v = existing ? await publishedVersionOf(ctx, entryId) : null;
  if (existing && v && isTableEntry(v) && existing.version_id !== v.id) await ensureManagedTable(ctx, entryId);
}
