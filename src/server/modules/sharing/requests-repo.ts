import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, RowUpdate } from '../../db/types';
import type { RequestStatus, StepKind } from './enums';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';
import { escapeLike } from '../../db/like';

/** Who is looking: requests and grants are filtered in SQL by this (authorization as a query filter). */
export type SharingViewer = Scope;

type RequestEb = ExpressionBuilder<DB & { r: DB['share_request'] }, 'r'>;

/**
 * The platform sees every request; a department sees what it asked for, and what was asked of it
 * once the platform forwarded it (unconditional requests reach the provider at once, as grants).
 */
export function visibleRequests(eb: RequestEb, v: SharingViewer): Expression<SqlBool> {
  if (v.kind !== 'department') return scopeFilter(v);
  return eb.or([
    eb('r.consumer_department_id', '=', v.departmentId),
    eb.and([
      eb('r.provider_department_id', '=', v.departmentId),
      eb.or([
        eb('r.kind', '=', 'unconditional'),
        eb.exists(
          eb
            .selectFrom('share_review_step as ps')
            .select('ps.id')
            .whereRef('ps.request_id', '=', 'r.id')
            .where('ps.kind', '=', 'provider_decision'),
        ),
      ]),
    ]),
  ]);
}

function requestQuery(db: Db) {
  return db
    .selectFrom('share_request as r')
    .innerJoin('department as pd', 'pd.id', 'r.provider_department_id')
    .innerJoin('department as cd', 'cd.id', 'r.consumer_department_id')
    .innerJoin('app_user as u', 'u.id', 'r.applicant_id')
    .selectAll('r')
    .select([
      'pd.name as provider_department_name',
      'cd.name as consumer_department_name',
      'u.real_name as applicant_name',
    ]);
}

export type RequestRow = NonNullable<Awaited<ReturnType<typeof findRequest>>>;

export function findRequest(db: Db, id: string, viewer?: SharingViewer) {
  return requestQuery(db)
    .where('r.id', '=', id)
    .$if(!!viewer, (q) => q.where((eb) => visibleRequests(eb, viewer!)))
    .executeTakeFirst();
}

export interface RequestFilter {
  box?: 'mine' | 'prereview' | 'incoming';
  status?: RequestStatus;
  overdue?: boolean;
  q?: string;
  entryId?: string;
}

const ownDepartment = (
  eb: RequestEb,
  column: 'r.consumer_department_id' | 'r.provider_department_id',
  v: SharingViewer,
) => (v.kind === 'department' ? eb(column, '=', v.departmentId) : sql<SqlBool>`false`);

const overdueStep = (eb: RequestEb, now: Date) =>
  eb.exists(
    eb
      .selectFrom('share_review_step as os')
      .select('os.id')
      .whereRef('os.request_id', '=', 'r.id')
      .where('os.decided_at', 'is', null)
      .where('os.due_at', '<', now),
  );

export async function listRequests(
  db: Db,
  viewer: SharingViewer,
  f: RequestFilter,
  now: Date,
  limit: number,
  offset: number,
) {
  const like = f.q ? `%${escapeLike(f.q)}%` : null;
  const q = requestQuery(db)
    .where((eb) => visibleRequests(eb, viewer))
    .$if(f.box === 'mine', (q) => q.where((eb) => ownDepartment(eb, 'r.consumer_department_id', viewer)))
    .$if(f.box === 'prereview', (q) => q.where('r.status', '=', 'prereview'))
    .$if(f.box === 'incoming', (q) =>
      q.where((eb) => ownDepartment(eb, 'r.provider_department_id', viewer)).where('r.kind', '=', 'conditional'),
    )
    .$if(!!f.status, (q) => q.where('r.status', '=', f.status!))
    .$if(f.entryId !== undefined, (q) => q.where('r.entry_id', '=', f.entryId!))
    .$if(f.overdue === true, (q) => q.where((eb) => overdueStep(eb, now)))
    .$if(f.overdue === false, (q) => q.where((eb) => eb.not(overdueStep(eb, now))))
    .$if(!!like, (q) => q.where((eb) => eb.or([eb('r.entry_name', 'ilike', like!), eb('r.no', 'ilike', like!)])));
  const [rows, count] = await Promise.all([
    q.orderBy('r.submitted_at', 'desc').orderBy('r.id').limit(limit).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The request a department still has in progress on an entry, if any. */
export function openRequestOf(db: Db, departmentId: string, entryId: string) {
  return requestQuery(db)
    .where('r.consumer_department_id', '=', departmentId)
    .where('r.entry_id', '=', entryId)
    .where('r.status', 'in', ['prereview', 'returned', 'provider_review'])
    .executeTakeFirst();
}

export async function insertRequest(db: Db, row: NewRow<'share_request'>): Promise<string> {
  const r = await db.insertInto('share_request').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateRequest(db: Db, id: string, patch: RowUpdate<'share_request'>): Promise<void> {
  await db.updateTable('share_request').set(patch).where('id', '=', id).execute();
}

export function lockRequest(db: Db, id: string) {
  return db.selectFrom('share_request').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** 申请编号 / 授权编号: a yearly counter per kind, taken inside the caller's transaction. */
export async function nextNumber(db: Db, kind: string, year: number): Promise<number> {
  const r = await db
    .insertInto('sharing_number_seq')
    .values({ kind, year, last_value: 1 })
    .onConflict((oc) =>
      oc.columns(['kind', 'year']).doUpdateSet({ last_value: sql<number>`sharing_number_seq.last_value + 1` }),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return r.last_value;
}

// Review steps

export type StepRow = Awaited<ReturnType<typeof stepsOf>>[number];

export function stepsOf(db: Db, requestIds: string[]) {
  if (!requestIds.length) return Promise.resolve([]);
  return db
    .selectFrom('share_review_step as s')
    .leftJoin('app_user as u', 'u.id', 's.decided_by')
    .selectAll('s')
    .select('u.real_name as decider_name')
    .where('s.request_id', 'in', requestIds)
    .orderBy('s.started_at')
    .orderBy('s.kind')
    .execute();
}

export async function insertStep(db: Db, row: NewRow<'share_review_step'>): Promise<string> {
  const r = await db.insertInto('share_review_step').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** The step of a request still waiting for a decision (at most one). */
export function openStep(db: Db, requestId: string) {
  return db
    .selectFrom('share_review_step')
    .selectAll()
    .where('request_id', '=', requestId)
    .where('decided_at', 'is', null)
    .executeTakeFirst();
}

export async function maxRound(db: Db, requestId: string, kind: StepKind): Promise<number> {
  const r = await db
    .selectFrom('share_review_step')
    .select((eb) => eb.fn.max('round').as('n'))
    .where('request_id', '=', requestId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function decideStep(db: Db, id: string, patch: RowUpdate<'share_review_step'>): Promise<void> {
  await db.updateTable('share_review_step').set(patch).where('id', '=', id).where('decided_at', 'is', null).execute();
}

/**
 * Flags a step overdue if it still waits past its deadline; returns it only to the caller that
 * flagged it, so two job runners racing on one step notify once.
 */
export function flagOverdue(db: Db, id: string, now: Date) {
  return db
    .updateTable('share_review_step')
    .set({ overdue_at: now })
    .where('id', '=', id)
    .where('decided_at', 'is', null)
    .where('overdue_at', 'is', null)
    .where('due_at', '<', now)
    .returning(['id', 'request_id', 'kind', 'due_at'])
    .executeTakeFirst();
}

/** R-15 assessment input: steps that went past their deadline (flagged, or decided late), per kind and provider. */
export function overdueCounts(db: Db, since: Date) {
  return db
    .selectFrom('share_review_step as s')
    .innerJoin('share_request as r', 'r.id', 's.request_id')
    .select(['s.kind', 'r.provider_department_id'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where((eb) => eb.or([eb('s.overdue_at', 'is not', null), eb('s.decided_at', '>', eb.ref('s.due_at'))]))
    .where('s.started_at', '>=', since)
    .groupBy(['s.kind', 'r.provider_department_id'])
    .execute();
}

/** City-wide counts of requests by status (the platform's overview). */
export function countsByStatus(db: Db) {
  return db
    .selectFrom('share_request')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
}

/**
 * Open review steps past their deadline, by who holds them: the platform for its pre-review, the
 * providing department for its decision.
 */
export function overdueStepsByHolder(db: Db, now: Date) {
  return db
    .selectFrom('share_review_step as s')
    .innerJoin('share_request as r', 'r.id', 's.request_id')
    .innerJoin('department as d', 'd.id', 'r.provider_department_id')
    .select([
      sql<string>`case when s.kind = 'admin_prereview' then '平台初审' else d.name end`.as('holder'),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('s.decided_at', 'is', null)
    .where('s.due_at', '<', now)
    .groupBy('holder')
    .execute();
}
