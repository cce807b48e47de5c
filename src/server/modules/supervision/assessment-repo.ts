import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, PeriodKind } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** supervision_snapshot, _value, _evidence, _score, _weight: assessment snapshots and the admin's weights. */

/** Rows per insert: well under the 65 535 bind parameters of one statement on either database. */
const BATCH = 1000;

export async function insertSnapshot(db: Db, row: NewRow<'supervision_snapshot'>): Promise<string> {
  const r = await db.insertInto('supervision_snapshot').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

async function insertBatched<T extends 'supervision_value' | 'supervision_evidence' | 'supervision_score'>(
  db: Db,
  table: T,
  rows: NewRow<T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + BATCH) as never)
      .execute();
  }
}

export const insertValues = (db: Db, rows: NewRow<'supervision_value'>[]) =>
  insertBatched(db, 'supervision_value', rows);
export const insertEvidence = (db: Db, rows: NewRow<'supervision_evidence'>[]) =>
  insertBatched(db, 'supervision_evidence', rows);
export const insertScores = (db: Db, rows: NewRow<'supervision_score'>[]) =>
  insertBatched(db, 'supervision_score', rows);

const SNAPSHOT_COLUMNS = [
  's.id',
  's.period_key',
  's.period_kind',
  's.period_from',
  's.period_to',
  's.final',
  's.computed_at',
] as const;

/** The current snapshot of a period: the newest. */
export function currentSnapshot(db: Db, periodKey: string) {
  return db
    .selectFrom('supervision_snapshot as s')
    .select(SNAPSHOT_COLUMNS)
    .where('s.period_key', '=', periodKey)
    .orderBy('s.computed_at', 'desc')
    .orderBy('s.id')
    .executeTakeFirst();
}
export type SnapshotRow = NonNullable<Awaited<ReturnType<typeof currentSnapshot>>>;

export async function hasFinalSnapshot(db: Db, periodKey: string): Promise<boolean> {
  const r = await db
    .selectFrom('supervision_snapshot')
    .select('id')
    .where('period_key', '=', periodKey)
    .where('final', '=', true)
    .executeTakeFirst();
  return r !== undefined;
}

/** Every period with a snapshot, each with its current one and how many were computed. */
export async function periodsWithSnapshots(db: Db, kind?: PeriodKind) {
  let q = db
    .selectFrom('supervision_snapshot as s')
    .select(['s.period_key', 's.period_kind'])
    .select((eb) => [
      eb.fn.max('s.computed_at').as('computed_at'),
      eb.fn.countAll<string>().as('n'),
      sql<boolean>`bool_or(s.final)`.as('final'),
    ])
    .groupBy(['s.period_key', 's.period_kind'])
    .orderBy('s.period_key', 'desc');
  if (kind) q = q.where('s.period_kind', '=', kind);
  return q.execute();
}

/** Scores, cards and ranks of a snapshot with the department names, best first; within the scope. */
export function scoresOf(db: Db, snapshotId: string, scope: Scope) {
  return db
    .selectFrom('supervision_score as sc')
    .innerJoin('department as d', 'd.id', 'sc.department_id')
    .select(['sc.department_id', 'd.name as department_name', 'sc.score', 'sc.card', 'sc.rank'])
    .where('sc.snapshot_id', '=', snapshotId)
    .where(scopeFilter(scope, 'sc.department_id'))
    .orderBy(sql`sc.rank asc nulls last`)
    .orderBy('d.name')
    .execute();
}
export type ScoreRow = Awaited<ReturnType<typeof scoresOf>>[number];

export function valuesOf(db: Db, snapshotId: string, departmentIds?: string[]) {
  let q = db
    .selectFrom('supervision_value')
    .select(['indicator', 'department_id', 'numerator', 'denominator', 'score', 'weight'])
    .where('snapshot_id', '=', snapshotId);
  if (departmentIds)
    q = departmentIds.length ? q.where('department_id', 'in', departmentIds) : q.where(sql<boolean>`false`);
  return q.orderBy('indicator').execute();
}
export type ValueRow = Awaited<ReturnType<typeof valuesOf>>[number];

export async function evidenceOf(
  db: Db,
  key: { snapshotId: string; indicator: string; departmentId: string; ok?: boolean },
  limit: number,
  offset: number,
) {
  let q = db
    .selectFrom('supervision_evidence')
    .where('snapshot_id', '=', key.snapshotId)
    .where('indicator', '=', key.indicator)
    .where('department_id', '=', key.departmentId);
  if (key.ok !== undefined) q = q.where('ok', '=', key.ok);
  const [rows, count] = await Promise.all([
    q
      .select(['id', 'ref', 'label', 'at', 'ok', 'note', 'link'])
      .orderBy('ok')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One department's score and per-indicator scores in the current snapshot of each of these periods. */
export async function trendOf(db: Db, departmentId: string, periodKeys: string[]) {
  if (!periodKeys.length) return [];
  const current = db
    .selectFrom('supervision_snapshot')
    .select(['id', 'period_key'])
    .distinctOn('period_key')
    .where('period_key', 'in', periodKeys)
    .orderBy('period_key')
    .orderBy('computed_at', 'desc')
    .orderBy('id');
  const [scores, values] = await Promise.all([
    db
      .with('cur', () => current)
      .selectFrom('cur')
      .leftJoin('supervision_score as sc', (j) =>
        j.onRef('sc.snapshot_id', '=', 'cur.id').on('sc.department_id', '=', departmentId),
      )
      .select(['cur.period_key', 'sc.score', 'sc.card', 'sc.rank'])
      .execute(),
    db
      .with('cur', () => current)
      .selectFrom('cur')
      .innerJoin('supervision_value as v', 'v.snapshot_id', 'cur.id')
      .select(['cur.period_key', 'v.indicator', 'v.score'])
      .where('v.department_id', '=', departmentId)
      .execute(),
  ]);
  return periodKeys.map((key) => ({
    periodKey: key,
    score: scores.find((s) => s.period_key === key) ?? null,
    values: values.filter((v) => v.period_key === key),
  }));
}

export function weightsOf(db: Db, kind: PeriodKind) {
  return db.selectFrom('supervision_weight').select(['indicator', 'weight']).where('period_kind', '=', kind).execute();
}

/** Replaces a period kind's weights. */
export async function replaceWeights(db: Db, kind: PeriodKind, rows: NewRow<'supervision_weight'>[]): Promise<void> {
  await db.deleteFrom('supervision_weight').where('period_kind', '=', kind).execute();
  if (rows.length) await db.insertInto('supervision_weight').values(rows).execute();
}

export async function departmentName(db: Db, id: string): Promise<string | null> {
  const r = await db.selectFrom('department').select('name').where('id', '=', id).executeTakeFirst();
  return r?.name ?? null;
}

export function snapshotById(db: Db, id: string) {
  return db.selectFrom('supervision_snapshot as s').select(SNAPSHOT_COLUMNS).where('s.id', '=', id).executeTakeFirst();
}
