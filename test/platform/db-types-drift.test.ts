import path from 'node:path';
import ts from 'typescript';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/db';
import type { Database } from '../../src/server/db/open';

/**
 * src/server/db/types.ts is written by hand beside the migrations; this holds it to the migrated
 * database: every table of its DB interface exists with exactly its columns, each nullable in the
 * database exactly when its TypeScript type admits null.
 */

const TYPES = path.resolve(import.meta.dirname, '../../src/server/db/types.ts');
/**
 * Tables typed elsewhere (the job table in platform/jobs/repo.ts), read by raw SQL only (the search
 * tables kept by triggers, migrations 0004 and 0027), or owned by the migrator.
 */
const TYPED_ELSEWHERE = new Set([
  'job',
  'catalog_search',
  'catalog_search_facet',
  'search_generation',
  'schema_migration',
  'schema_migration_lock',
]);

/** nullable null: the declared type does not say. */
type Columns = Map<string, { nullable: boolean | null }>;

function declaredTables(): Map<string, Columns> {
  const program = ts.createProgram([TYPES], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(TYPES)!;
  const db = file.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'DB',
  )!;
  const admitsNull = (t: ts.Type): boolean =>
    t.isUnion() ? t.types.some(admitsNull) : (t.flags & ts.TypeFlags.Null) !== 0;
  // unknown (a jsonb column read as whatever it holds) says nothing about null either way.
  const isUnknown = (t: ts.Type) => (t.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) !== 0;
  const tables = new Map<string, Columns>();
  for (const member of checker.getTypeAtLocation(db).getProperties()) {
    const columns: Columns = new Map();
    const tableType = checker.getTypeOfSymbolAtLocation(member, db);
    for (const col of tableType.getProperties()) {
      let t = checker.getTypeOfSymbolAtLocation(col, db);
      // Kysely's ColumnType / Generated: what a select returns is what the column holds.
      const selected = t.getProperty('__select__');
      if (selected) t = checker.getTypeOfSymbolAtLocation(selected, db);
      columns.set(col.name, { nullable: isUnknown(t) ? null : admitsNull(t) });
    }
    tables.set(member.name, columns);
  }
  return tables;
}

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

describe('db/types.ts against the migrated database', () => {
  it('declares every table with its columns and their nullability as the migrations make them', async () => {
    const rows = (
      await sql<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>`
        select table_name, column_name, is_nullable from information_schema.columns
        where table_schema = 'public'
          -- A partition (the audit log's months, migration 0034) is its parent's table, typed once.
          and not exists (select from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relname = table_name and c.relispartition)
        order by table_name, ordinal_position`.execute(database.db)
    ).rows;
    const actual = new Map<string, Columns>();
    for (const r of rows) {
      if (!actual.has(r.table_name)) actual.set(r.table_name, new Map());
      actual.get(r.table_name)!.set(r.column_name, { nullable: r.is_nullable === 'YES' });
    }
    const declared = declaredTables();
    const drift: string[] = [];
    for (const [table, columns] of declared) {
      const real = actual.get(table);
      if (!real) {
        drift.push(`${table}: declared, not in the database`);
        continue;
      }
      for (const [column, c] of columns) {
        const r = real.get(column);
        if (!r) drift.push(`${table}.${column}: declared, not in the database`);
        else if (c.nullable !== null && r.nullable !== c.nullable)
          drift.push(
            `${table}.${column}: ${r.nullable ? 'nullable' : 'not null'} in the database, ${c.nullable ? 'nullable' : 'not null'} in types.ts`,
          );
      }
      for (const column of real.keys())
        if (!columns.has(column)) drift.push(`${table}.${column}: in the database, not declared`);
    }
    for (const table of actual.keys())
      if (!declared.has(table) && !TYPED_ELSEWHERE.has(table)) drift.push(`${table}: in the database, not declared`);
    expect(drift).toEqual([]);
  });
});
