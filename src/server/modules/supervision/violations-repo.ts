import type { Db } from '../../app-context';
import type { NewRow, ViolationKindNo } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** supervision_violation: Art 30 violations, detected (one per department, kind and period) or reported. */

export type ViolationStatus = 'open' | 'noticed' | 'rectified' | 'dismissed';

export interface ViolationFilter {
  status?: ViolationStatus;
  kind?: ViolationKindNo;
  departmentId?: string;
  periodKey?: string;
}

const base = (db: Db) =>
  db
    .selectFrom('supervision_violation as v')
    .innerJoin('department as d', 'd.id', 'v.department_id')
    .leftJoin('department as rd', 'rd.id', 'v.reported_by_department_id')
    .leftJoin('app_user as ru', 'ru.id', 'v.reported_by')
    .leftJoin('app_user as du', 'du.id', 'v.dismissed_by');

const COLUMNS = [
  'v.id',
  'v.department_id',
  'd.name as department_name',
  'v.kind',
  'v.period_key',
  'v.source',
  'v.summary',
  'v.evidence',
  'v.status',
  'v.detected_at',
  'v.updated_at',
  'ru.real_name as reported_by_name',
  'v.reported_by_department_id',
  'rd.name as reported_by_department_name',
  'du.real_name as dismissed_by_name',
  'v.dismiss_reason',
] as const;

export async function listViolations(db: Db, scope: Scope, f: ViolationFilter, limit: number, offset: number) {
  let q = base(db).where(scopeFilter(scope, 'v.department_id'));
  if (f.status) q = q.where('v.status', '=', f.status);
  if (f.kind) q = q.where('v.kind', '=', f.kind);
  if (f.departmentId) q = q.where('v.department_id', '=', f.departmentId);
  if (f.periodKey) q = q.where('v.period_key', '=', f.periodKey);
  const [rows, count] = await Promise.all([
    q.select(COLUMNS).orderBy('v.detected_at', 'desc').orderBy('v.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findViolationsByIds(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return base(db).select(COLUMNS).where('v.id', 'in', ids).orderBy('v.detected_at').execute();
}
export type ViolationRow = Awaited<ReturnType<typeof findViolationsByIds>>[number];

/** The detected violations of a period (for merging a new run's findings into them). */
export function detectedOf(db: Db, periodKey: string) {
  return db
    .selectFrom('supervision_violation')
    .select(['id', 'department_id', 'kind', 'evidence'])
    .where('period_key', '=', periodKey)
    .where('source', '=', 'detected')
    .execute();
}

export async function insertViolation(db: Db, row: NewRow<'supervision_violation'>): Promise<string> {
  const r = await db.insertInto('supervision_violation').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** New evidence and summary for a detected violation; its status stays what people made it. */
export async function refreshViolation(db: Db, id: string, summary: string, evidence: string, at: Date) {
  await db
    .updateTable('supervision_violation')
    .set({ summary, evidence, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Sets the status of violations that are in one of `from`; returns how many changed. */
export async function setStatus(
  db: Db,
  ids: string[],
  status: ViolationStatus,
  from: ViolationStatus[],
  at: Date,
  dismissal?: { by: string; reason: string },
): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('supervision_violation')
    .set({
      status,
      updated_at: at,
      ...(dismissal ? { dismissed_by: dismissal.by, dismiss_reason: dismissal.reason } : {}),
    })
    .where('id', 'in', ids)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A grant between a provider and a consumer, for a report of use beyond duties. */
export function grantBetween(db: Db, grantId: string) {
  return db
    .selectFrom('share_grant')
    .select(['id', 'no', 'entry_name', 'provider_department_id', 'consumer_department_id'])
    .where('id', '=', grantId)
    .executeTakeFirst();
}

export async function departmentExists(db: Db, id: string): Promise<string | null> {
  const r = await db.selectFrom('department').select('name').where('id', '=', id).executeTakeFirst();
  return r?.name ?? null;
}
