import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, OpenDataRequestStatus, RowUpdate } from '../../db/types';
import { escapeLike } from '../../db/like';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';
import { PUBLIC_REQUEST_STATUSES } from '../../../shared/open/feedback';

/**
 * The public's data requests. What a reader sees is one WHERE condition: the public the
 * published and answered ones (and their own); a department those routed to it once published; the
 * platform all.
 */
type Eb = ExpressionBuilder<DB & { r: DB['open_data_request'] }, 'r'>;

function base(db: Db, userId: string | null) {
  return (
    db
      .selectFrom('open_data_request as r')
      .leftJoin('department as wd', 'wd.id', 'r.wanted_department_id')
      .leftJoin('department as d', 'd.id', 'r.department_id')
      .innerJoin('app_user as u', 'u.id', 'r.requester_id')
      .leftJoin('app_user as ab', 'ab.id', 'r.answered_by')
      .leftJoin('department as abd', 'abd.id', 'ab.department_id')
      // The satisfying entry is linked only while it is on the portal (reviewed, not withdrawn).
      .leftJoin('catalog_entry as ae', (j) =>
        j
          .onRef('ae.id', '=', 'r.answer_entry_id')
          .onRef('ae.portal_version_id', '=', 'ae.current_version_id')
          .on('ae.status', '=', 'published'),
      )
      .leftJoin('open_dataset as aod', (j) =>
        j
          .onRef('aod.entry_id', '=', 'ae.id')
          .onRef('aod.version_id', '=', 'ae.portal_version_id')
          .on('aod.status', '=', 'open'),
      )
      .leftJoin('catalog_entry_version as av', 'av.id', 'aod.version_id')
      .select([
        'r.id',
        'r.title',
        'r.description',
        'r.purpose',
        'r.status',
        'r.wanted_department_id',
        'wd.name as wanted_department_name',
        'r.department_id',
        'd.name as department_name',
        'r.requester_id',
        'u.real_name as requester_name',
        'r.reject_reason',
        'r.answer',
        'abd.name as answered_by_department_name',
        'ae.code as answer_entry_code',
        'av.name as answer_entry_name',
        'r.vote_count',
        'r.created_at',
        'r.moderated_at',
        'r.answered_at',
        (userId
          ? sql<boolean>`exists (select 1 from open_data_request_vote v where v.request_id = r.id and v.user_id = ${userId})`
          : sql<boolean>`false`
        ).as('voted'),
      ])
  );
}

export type RequestRow = NonNullable<Awaited<ReturnType<typeof findRequest>>>;

const matching = (q: string | undefined) => (eb: Eb) => {
  if (!q) return sql<SqlBool>`true`;
  const like = `%${escapeLike(q)}%`;
  return eb.or([eb('r.title', 'ilike', like), eb('r.description', 'ilike', like)]);
};

/** Public: published and answered requests, newest or most needed first. */
export async function listPublic(
  db: Db,
  f: { q?: string; status?: OpenDataRequestStatus; sort?: 'newest' | 'votes' },
  userId: string | null,
  limit: number,
  offset: number,
) {
  const statuses = f.status ? [f.status] : [...PUBLIC_REQUEST_STATUSES];
  const q = base(db, userId).where('r.status', 'in', statuses).where(matching(f.q));
  const [rows, count] = await Promise.all([
    q
      .$if(f.sort === 'votes', (q) => q.orderBy('r.vote_count', 'desc'))
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id')
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

/** One request as the public sees it: published or answered, or the reader's own in any state. */
export function findPublic(db: Db, id: string, userId: string | null) {
  return base(db, userId)
    .where('r.id', '=', id)
    .where((eb) =>
      eb.or([
        eb('r.status', 'in', [...PUBLIC_REQUEST_STATUSES]),
        ...(userId ? [eb('r.requester_id', '=', userId)] : []),
      ]),
    )
    .executeTakeFirst();
}

export async function listMine(db: Db, userId: string, limit: number, offset: number) {
  const q = base(db, userId).where('r.requester_id', '=', userId);
  const [rows, count] = await Promise.all([
    q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Staff: a department the published requests routed to it, the platform every request. */
const staffVisible =
  (scope: Scope) =>
  (eb: Eb): Expression<SqlBool> =>
    scope.kind === 'department'
      ? eb.and([scopeFilter(scope, 'r.department_id'), eb('r.status', 'in', [...PUBLIC_REQUEST_STATUSES])])
      : scopeFilter(scope);

export async function listForStaff(
  db: Db,
  scope: Scope,
  f: { q?: string; status?: OpenDataRequestStatus },
  limit: number,
  offset: number,
) {
  const q = base(db, null)
    .where(staffVisible(scope))
    .where(matching(f.q))
    .$if(!!f.status, (q) => q.where('r.status', '=', f.status!));
  const [rows, count] = await Promise.all([
    q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findForStaff(db: Db, scope: Scope, id: string) {
  return base(db, null).where('r.id', '=', id).where(staffVisible(scope)).executeTakeFirst();
}

export function findRequest(db: Db, id: string) {
  return base(db, null).where('r.id', '=', id).executeTakeFirst();
}

export async function insertRequest(db: Db, row: NewRow<'open_data_request'>): Promise<string> {
  return (await db.insertInto('open_data_request').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Changes a request only while it is in one of `from`; false when another request moved it first. */
export async function transition(
  db: Db,
  id: string,
  from: OpenDataRequestStatus[],
  set: RowUpdate<'open_data_request'>,
): Promise<boolean> {
  const r = await db
    .updateTable('open_data_request')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One vote per user (the primary key decides under concurrency); false when the user had voted already. */
export async function addVote(db: Db, requestId: string, userId: string, at: Date): Promise<boolean> {
  const added = await db
    .insertInto('open_data_request_vote')
    .values({ request_id: requestId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (!added) return false;
  await db
    .updateTable('open_data_request')
    .set({ vote_count: sql<number>`vote_count + 1` })
    .where('id', '=', requestId)
    .execute();
  return true;
}
