import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, RowUpdate } from '../../db/types';
import type { GrantStatus } from './enums';
import type { SharingViewer } from './requests-repo';
import { scopeFilter } from '../../platform/rbac/scope';
import { escapeLike } from '../../db/like';

type GrantEb = ExpressionBuilder<DB & { g: DB['share_grant'] }, 'g'>;

/** A grant is seen by the two departments it binds and by the platform. */
export function visibleGrants(v: SharingViewer): Expression<SqlBool> {
  return scopeFilter(v, 'g.consumer_department_id', 'g.provider_department_id');
}

function grantQuery(db: Db) {
  return db
    .selectFrom('share_grant as g')
    .innerJoin('share_request as r', 'r.id', 'g.request_id')
    .innerJoin('department as pd', 'pd.id', 'g.provider_department_id')
    .innerJoin('department as cd', 'cd.id', 'g.consumer_department_id')
    .selectAll('g')
    .select(['r.no as request_no', 'pd.name as provider_department_name', 'cd.name as consumer_department_name']);
}

export type GrantRow = NonNullable<Awaited<ReturnType<typeof findGrant>>>;

export function findGrant(db: Db, id: string, viewer?: SharingViewer) {
  return grantQuery(db)
    .where('g.id', '=', id)
    .$if(!!viewer, (q) => q.where(visibleGrants(viewer!)))
    .executeTakeFirst();
}

export function grantOfRequest(db: Db, requestId: string) {
  return grantQuery(db).where('g.request_id', '=', requestId).executeTakeFirst();
}

export interface GrantFilter {
  side?: 'consumer' | 'provider';
  status?: GrantStatus;
  entryId?: string;
  /** Only grants whose last valid day is on or before this date (YYYY-MM-DD). */
  endsBy?: string;
  /** Part of the grant's or its request's number, or of the resource's name or code. */
  q?: string;
}

export async function listGrants(db: Db, viewer: SharingViewer, f: GrantFilter, limit: number, offset: number) {
  const own = (column: 'g.consumer_department_id' | 'g.provider_department_id') => (eb: GrantEb) =>
    viewer.kind === 'department' ? eb(column, '=', viewer.departmentId) : sql<SqlBool>`false`;
  const like = f.q ? `%${escapeLike(f.q)}%` : null;
  const q = grantQuery(db)
    .where(visibleGrants(viewer))
    .$if(f.side === 'consumer', (q) => q.where(own('g.consumer_department_id')))
    .$if(f.side === 'provider', (q) => q.where(own('g.provider_department_id')))
    .$if(!!f.status, (q) => q.where('g.status', '=', f.status!))
    .$if(f.entryId !== undefined, (q) => q.where('g.entry_id', '=', f.entryId!))
    .$if(f.endsBy !== undefined, (q) => q.where('g.valid_to', '<=', f.endsBy!))
    .$if(!!like, (q) =>
      q.where((eb) =>
        eb.or([
          eb('g.no', 'ilike', like!),
          eb('r.no', 'ilike', like!),
          eb('g.entry_name', 'ilike', like!),
          eb('g.entry_code', 'ilike', like!),
        ]),
      ),
    );
  const [rows, count] = await Promise.all([
    (f.endsBy ? q.orderBy('g.valid_to') : q.orderBy('g.created_at', 'desc'))
      .orderBy('g.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The department's active grant on the entry that has not ended by `today` (in force or starting later); the newest wins. */
export function activeGrantFor(db: Db, departmentId: string, entryId: string, today: string) {
  return grantQuery(db)
    .where('g.consumer_department_id', '=', departmentId)
    .where('g.entry_id', '=', entryId)
    .where('g.status', '=', 'active')
    .where('g.valid_to', '>=', today)
    .orderBy('g.created_at', 'desc')
    .executeTakeFirst();
}

/** Every grant of the department on the entry, newest first (to explain a refusal). */
export function grantsFor(db: Db, departmentId: string, entryId: string) {
  return grantQuery(db)
    .where('g.consumer_department_id', '=', departmentId)
    .where('g.entry_id', '=', entryId)
    .orderBy('g.created_at', 'desc')
    .execute();
}

export async function activeGrantDepartments(db: Db, entryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('share_grant')
    .select('consumer_department_id')
    .distinct()
    .where('entry_id', '=', entryId)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.consumer_department_id);
}

export async function insertGrant(db: Db, row: NewRow<'share_grant'>): Promise<string> {
  const r = await db.insertInto('share_grant').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function lockGrant(db: Db, id: string) {
  return db
    .selectFrom('share_grant')
    .select(['id', 'status', 'valid_to'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateGrant(db: Db, id: string, patch: RowUpdate<'share_grant'>): Promise<void> {
  await db.updateTable('share_grant').set(patch).where('id', '=', id).execute();
}

/** Active grants whose last valid day is before today: marked expired, returned once to whoever marked them. */
export function expireGrants(db: Db, today: string, now: Date) {
  return db
    .updateTable('share_grant')
    .set({ status: 'expired', updated_at: now })
    .where('status', '=', 'active')
    .where('valid_to', '<', today)
    .returning(['id', 'no', 'entry_id', 'entry_name', 'consumer_department_id', 'provider_department_id', 'valid_to'])
    .execute();
}

export async function insertGrantEvent(db: Db, row: NewRow<'share_grant_event'>): Promise<void> {
  await db.insertInto('share_grant_event').values(row).execute();
}

export function eventsOf(db: Db, grantId: string) {
  return db
    .selectFrom('share_grant_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_id')
    .select(['e.kind', 'e.at', 'e.reason', 'e.detail', 'u.real_name as actor_name'])
    .where('e.grant_id', '=', grantId)
    .orderBy('e.id')
    .execute();
}

/**
 * Reserves up to `want` of the day's rows under a capped grant, in one transaction (db must be one):
 * the day's row is locked, so two calls at once never reserve the same rows. Returns what was reserved.
 */
export async function reserveRows(db: Db, grantId: string, day: string, want: number, cap: number): Promise<number> {
  await db
    .insertInto('share_grant_usage')
    .values({ grant_id: grantId, day, rows: 0 })
    .onConflict((oc) => oc.columns(['grant_id', 'day']).doNothing())
    .execute();
  const { rows } = await db
    .selectFrom('share_grant_usage')
    .select('rows')
    .where('grant_id', '=', grantId)
    .where('day', '=', day)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const reserved = Math.max(0, Math.min(want, cap - rows));
  if (reserved > 0)
    await db
      .updateTable('share_grant_usage')
      .set({ rows: rows + reserved })
      .where('grant_id', '=', grantId)
      .where('day', '=', day)
      .execute();
  return reserved;
}

/** Gives back reserved rows a read did not deliver. */
export async function releaseRows(db: Db, grantId: string, day: string, n: number): Promise<void> {
  await db
    .updateTable('share_grant_usage')
    .set((eb) => ({ rows: eb('rows', '-', n) }))
    .where('grant_id', '=', grantId)
    .where('day', '=', day)
    .execute();
}

export async function rowsUsed(db: Db, grantId: string, day: string): Promise<number> {
  const r = await db
    .selectFrom('share_grant_usage')
    .select('rows')
    .where('grant_id', '=', grantId)
    .where('day', '=', day)
    .executeTakeFirst();
  return r?.rows ?? 0;
}
