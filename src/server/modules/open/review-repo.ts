import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, RowUpdate } from '../../db/types';
import { escapeLike } from '../../db/like';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';
import type { OpenDatasetStatus } from '../../../shared/open/review';

/**
 * Open entries on their way to the portal: every published entry whose current version is open
 * (无条件 or 有条件开放), with where its review stands. A dataset row about an older version counts as
 * unreviewed: each version is reviewed as it is shown.
 */
function datasetQuery(db: Db) {
  return db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id')
    .leftJoin('open_dataset as od', 'od.entry_id', 'e.id')
    .where('e.status', '=', 'published')
    .where('v.status', '=', 'published')
    .where('v.open_type', '!=', 'none')
    .select([
      'e.id as entry_id',
      'e.code',
      'e.provider_department_id',
      'd.name as provider_name',
      'v.id as version_id',
      'v.version_no',
      'v.name',
      'v.open_type',
      'od.opened_at',
      'od.withdrawn_at',
      'od.withdrawn_reason',
      sql<string>`coalesce(od.view_count, 0)`.as('view_count'),
      sql<string>`coalesce(od.download_count, 0)`.as('download_count'),
      statusOf().as('status'),
    ]);
}

const statusOf = () =>
  sql<OpenDatasetStatus>`case when od.entry_id is null or od.version_id <> v.id then 'unreviewed' else od.status end`;

export type DatasetRow = NonNullable<Awaited<ReturnType<typeof findDataset>>>;

export interface DatasetFilter {
  status?: OpenDatasetStatus;
  q?: string;
}

type Eb = ExpressionBuilder<DB & { e: DB['catalog_entry']; v: DB['catalog_entry_version'] }, 'e' | 'v'>;

export async function listDatasets(db: Db, scope: Scope, f: DatasetFilter, limit: number, offset: number) {
  const like = f.q ? `%${escapeLike(f.q)}%` : null;
  const q = datasetQuery(db)
    .where(scopeFilter(scope, 'e.provider_department_id'))
    .$if(!!f.status, (q) => q.where(sql<SqlBool>`${statusOf()} = ${f.status!}`))
    .$if(!!like, (q) =>
      q.where((eb: Eb): Expression<SqlBool> => eb.or([eb('v.name', 'ilike', like!), eb('e.code', 'ilike', like!)])),
    );
  const [rows, count] = await Promise.all([
    q.orderBy('v.published_at', 'desc').orderBy('e.id').limit(limit).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findDataset(db: Db, entryId: string, scope?: Scope) {
  return datasetQuery(db)
    .where('e.id', '=', entryId)
    .$if(!!scope, (q) => q.where(scopeFilter(scope!, 'e.provider_department_id')))
    .executeTakeFirst();
}

/** The dataset's row, locked for a review or withdrawal (two reviewers at once take turns). */
export function lockDataset(db: Db, entryId: string) {
  return db.selectFrom('open_dataset').selectAll().where('entry_id', '=', entryId).forUpdate().executeTakeFirst();
}

export async function saveDataset(db: Db, row: NewRow<'open_dataset'>): Promise<void> {
  const { entry_id: _key, ...rest } = row;
  await db
    .insertInto('open_dataset')
    .values(row)
    .onConflict((oc) => oc.column('entry_id').doUpdateSet(rest))
    .execute();
}

export async function updateDataset(db: Db, entryId: string, set: RowUpdate<'open_dataset'>): Promise<void> {
  await db.updateTable('open_dataset').set(set).where('entry_id', '=', entryId).execute();
}

export async function insertReview(db: Db, row: NewRow<'open_review'>): Promise<string> {
  const r = await db.insertInto('open_review').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function reviewsOf(db: Db, entryId: string) {
  return db
    .selectFrom('open_review as r')
    .innerJoin('app_user as u', 'u.id', 'r.reviewer_id')
    .innerJoin('catalog_entry_version as v', 'v.id', 'r.version_id')
    .where('r.entry_id', '=', entryId)
    .select([
      'r.id',
      'r.version_id',
      'v.version_no',
      'r.stage',
      'u.real_name as reviewer_name',
      'r.checklist',
      'r.conclusion',
      'r.opinion',
      'r.created_at',
    ])
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}
