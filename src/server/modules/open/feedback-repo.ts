import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, OpenCommentStatus, OpenErrorReportStatus, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/**
 * Ratings, comments and 纠错 on open datasets. The public reads published comments and its
 * own; error reports are between the reporter, the provider and the platform (scoped to the provider).
 */

// ---- ratings ----

export async function ratingSummary(db: Db, entryId: string, userId: string | null) {
  const r = await db
    .selectFrom('open_rating')
    .where('entry_id', '=', entryId)
    .select([
      sql<string | null>`round(avg(stars), 1)`.as('average'),
      (eb) => eb.fn.countAll<string>().as('n'),
      sql<number | null>`max(stars) filter (where user_id = ${userId})`.as('mine'),
    ])
    .executeTakeFirstOrThrow();
  return { average: r.average === null ? null : Number(r.average), count: Number(r.n), mine: r.mine };
}

/** One rating per user and dataset: a second one replaces the first. */
export async function saveRating(db: Db, entryId: string, userId: string, stars: number, at: Date): Promise<void> {
  await db
    .insertInto('open_rating')
    .values({ entry_id: entryId, user_id: userId, stars, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['entry_id', 'user_id']).doUpdateSet({ stars, updated_at: at }))
    .execute();
}

export function ratingsOf(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('open_rating as r')
    .innerJoin('catalog_entry as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .where('r.user_id', '=', userId)
    .select(['e.code', sql<string>`coalesce(v.name, e.code)`.as('name'), 'r.stars', 'r.updated_at'])
    .orderBy('r.updated_at', 'desc')
    .limit(limit)
    .execute();
}

// ---- comments ----

type CommentEb = ExpressionBuilder<DB & { c: DB['open_comment'] }, 'c'>;

function comments(db: Db) {
  return db
    .selectFrom('open_comment as c')
    .innerJoin('catalog_entry as e', 'e.id', 'c.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('app_user as u', 'u.id', 'c.user_id')
    .select([
      'c.id',
      'c.entry_id',
      'e.code as entry_code',
      sql<string>`coalesce(v.name, e.code)`.as('entry_name'),
      'c.user_id',
      'u.real_name as author_name',
      'c.content',
      'c.status',
      'c.hidden_reason',
      'c.created_at',
    ]);
}
export type CommentRow = NonNullable<Awaited<ReturnType<typeof findComment>>>;

async function paged<R>(q: { execute(): Promise<R[]> }, count: { executeTakeFirstOrThrow(): Promise<{ n: string }> }) {
  const [rows, n] = await Promise.all([q.execute(), count.executeTakeFirstOrThrow()]);
  return { rows, total: Number(n.n) };
}

/** A dataset's comments for the public: published ones, and the reader's own whatever their state. */
export function entryComments(db: Db, entryId: string, userId: string | null, limit: number, offset: number) {
  const visible = (eb: CommentEb): Expression<SqlBool> =>
    eb.or([eb('c.status', '=', 'published'), ...(userId ? [eb('c.user_id', '=', userId)] : [])]);
  const q = comments(db).where('c.entry_id', '=', entryId).where(visible);
  return paged(
    q.orderBy('c.created_at', 'desc').orderBy('c.id').limit(limit).offset(offset),
    q.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')),
  );
}

/** The platform's moderation queue (oldest first, so nothing waits forever), or any state. */
export function commentsForModeration(db: Db, status: OpenCommentStatus | undefined, limit: number, offset: number) {
  const q = comments(db).$if(!!status, (q) => q.where('c.status', '=', status!));
  return paged(
    q
      .orderBy('c.created_at', status === 'pending' ? 'asc' : 'desc')
      .orderBy('c.id')
      .limit(limit)
      .offset(offset),
    q.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')),
  );
}

export function commentsOf(db: Db, userId: string, limit: number) {
  return comments(db).where('c.user_id', '=', userId).orderBy('c.created_at', 'desc').limit(limit).execute();
}

export function findComment(db: Db, id: string) {
  return comments(db).where('c.id', '=', id).executeTakeFirst();
}

export async function insertComment(db: Db, row: NewRow<'open_comment'>): Promise<string> {
  return (await db.insertInto('open_comment').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateComment(
  db: Db,
  id: string,
  from: OpenCommentStatus[],
  set: RowUpdate<'open_comment'>,
): Promise<boolean> {
  const r = await db
    .updateTable('open_comment')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- error reports (纠错) ----

function reports(db: Db) {
  return db
    .selectFrom('open_error_report as r')
    .innerJoin('catalog_entry as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('department as pd', 'pd.id', 'e.provider_department_id')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select([
      'r.id',
      'r.entry_id',
      'e.code as entry_code',
      sql<string>`coalesce(v.name, e.code)`.as('entry_name'),
      'e.provider_department_id',
      'pd.name as provider_department_name',
      'r.user_id',
      'u.real_name as reporter_name',
      'r.item_name',
      'r.content',
      'r.status',
      'r.answer',
      'r.answered_at',
      'r.created_at',
    ]);
}
export type ReportRow = NonNullable<Awaited<ReturnType<typeof findReport>>>;

export async function reportCounts(db: Db, entryId: string) {
  const r = await db
    .selectFrom('open_error_report')
    .where('entry_id', '=', entryId)
    .select([
      (eb) => eb.fn.countAll<string>().as('n'),
      sql<string>`count(*) filter (where status = 'answered')`.as('answered'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(r.n), answered: Number(r.answered) };
}

export function reportsOf(db: Db, userId: string, limit: number, entryId?: string) {
  return reports(db)
    .where('r.user_id', '=', userId)
    .$if(!!entryId, (q) => q.where('r.entry_id', '=', entryId!))
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The provider's reports (the platform's: all), open ones first then newest. */
export function reportsForStaff(
  db: Db,
  scope: Scope,
  status: OpenErrorReportStatus | undefined,
  limit: number,
  offset: number,
) {
  const q = reports(db)
    .where(scopeFilter(scope, 'e.provider_department_id'))
    .$if(!!status, (q) => q.where('r.status', '=', status!));
  return paged(
    q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).offset(offset),
    q.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')),
  );
}

export function findReport(db: Db, id: string, scope?: Scope) {
  return reports(db)
    .where('r.id', '=', id)
    .$if(!!scope, (q) => q.where(scopeFilter(scope!, 'e.provider_department_id')))
    .executeTakeFirst();
}

export async function insertReport(db: Db, row: NewRow<'open_error_report'>): Promise<string> {
  return (await db.insertInto('open_error_report').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function answerReport(db: Db, id: string, set: RowUpdate<'open_error_report'>): Promise<void> {
  await db.updateTable('open_error_report').set(set).where('id', '=', id).execute();
}
