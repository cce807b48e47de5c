import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../app-context';
import type { SealedColumn } from './sealed-columns';

/**
 * Reads and rewrites the sealed values of a registered column, whatever its table (a rotation's
 * work). Names come from the registry, never from input; they are still quoted as identifiers.
 */

export interface SealedValue {
  key: Record<string, string>;
  sealed: string;
}

const value = (c: SealedColumn): RawBuilder<string | null> =>
  c.jsonKey ? sql`${sql.ref(c.column)} ->> ${c.jsonKey}` : sql`${sql.ref(c.column)}`;

/**
 * Values not sealed with the data key `kid` (older keys, or the gs1 form), a batch at a time; with
 * kid null, those in the gs1 form only.
 */
export async function staleValues(db: Db, c: SealedColumn, kid: string | null, limit: number): Promise<SealedValue[]> {
  const keys = sql.join(c.key.map((k, i) => sql`${sql.ref(k)}::text as ${sql.id(`k${i}`)}`));
  const r = await sql<Record<string, string>>`
    select ${keys}, ${value(c)} as sealed from ${sql.table(c.table)}
    where ${value(c)} is not null and ${value(c)} not like ${kid === null ? 'gs2:%' : `gs2:${kid}:%`}
    limit ${limit}
  `.execute(db);
  return r.rows.map((row) => ({
    key: Object.fromEntries(c.key.map((k, i) => [k, row[`k${i}`]!])),
    sealed: row.sealed!,
  }));
}

/** Replaces one value where it is still the one read (a concurrent change wins; it is sealed with the current key). */
export async function replaceValue(db: Db, c: SealedColumn, v: SealedValue, sealed: string): Promise<boolean> {
  const where = sql.join(
    c.key.map((k) => sql`${sql.ref(k)}::text = ${v.key[k]}`),
    sql` and `,
  );
  const set = c.jsonKey
    ? sql`${sql.ref(c.column)} = jsonb_set(${sql.ref(c.column)}, ${`{${c.jsonKey}}`}::text[], to_jsonb(${sealed}::text))`
    : sql`${sql.ref(c.column)} = ${sealed}`;
  const r = await sql`update ${sql.table(c.table)} set ${set} where ${where} and ${value(c)} = ${v.sealed}`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** How many values name each of these data keys; `gs1` counts the old form. */
export async function countByKey(db: Db, c: SealedColumn): Promise<Map<string, number>> {
  const r = await sql<{ kid: string; n: string }>`
    select case when ${value(c)} like 'gs2:%' then split_part(${value(c)}, ':', 2) else 'gs1' end as kid, count(*) as n
    from ${sql.table(c.table)} where ${value(c)} is not null group by 1
  `.execute(db);
  return new Map(r.rows.map((x) => [x.kid, Number(x.n)]));
}

/** Every value of a column (checks: which key opens what); no data key is named "-". */
export const allValues = (db: Db, c: SealedColumn): Promise<SealedValue[]> => staleValues(db, c, '-', 1_000_000);
