import { sql } from 'kysely';
import type { Db } from '../../app-context';

/**
 * The gateway's facts for supervision (Chapter 6), in the window [from, until) (`until` is the
 * period's end, or now for a period still running): health checks of the services it fronts, and the
 * calls it refused because they fell outside a grant (from the call audit events, R-42).
 */

/** Health checks per service entry in the window: how many, and how many found it up. */
export function healthByEntry(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('gw_health_check as h')
    .innerJoin('catalog_entry as e', 'e.id', 'h.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['e.id as entry_id', 'e.code', 'e.provider_department_id', 'v.name'])
    .select([sql<string>`count(*)`.as('checks'), sql<string>`count(*) filter (where h.ok)`.as('up')])
    .where('h.at', '>=', from)
    .where('h.at', '<', until)
    .groupBy(['e.id', 'e.code', 'e.provider_department_id', 'v.name'])
    .orderBy('e.code')
    .execute();
}

export interface RefusedCall {
  id: string;
  at: Date;
  department_id: string;
  target_id: string | null;
  target_name: string | null;
  error: string;
  grant_no: string | null;
  /** All such calls of the department in the window (only the newest `perDepartment` are returned). */
  total: string;
}

/**
 * Calls refused with one of `errors` in the window, by the calling system's department: the newest
 * `perDepartment` of each, with the department's total.
 */
export async function refusedCalls(
  db: Db,
  from: Date,
  until: Date,
  errors: string[],
  perDepartment: number,
): Promise<RefusedCall[]> {
  if (!errors.length) return [];
  const { rows } = await sql<RefusedCall>`
    select id, at, department_id, target_id, target_name, error, grant_no, total from (
      select a.id, a.at, a.department_id, a.target_id, a.target_name,
             a.detail->>'gatewayError' as error, a.detail->>'grantNo' as grant_no,
             row_number() over (partition by a.department_id order by a.at desc, a.id desc) as rn,
             count(*) over (partition by a.department_id) as total
      from audit_event a
      where a.action = 'gateway.call'
        and a.at >= ${from} and a.at < ${until}
        and a.department_id is not null
        and a.detail->>'gatewayError' in (${sql.join(errors)})
    ) x
    where rn <= ${perDepartment}
    order by department_id, at desc, id desc`.execute(db);
  return rows;
}

/** Of these entries, those whose upstream service is registered (服务接口 mounted, Art 12). */
export async function entriesWithService(db: Db, entryIds: string[]): Promise<string[]> {
  if (!entryIds.length) return [];
  const rows = await db.selectFrom('gw_upstream').select('entry_id').where('entry_id', 'in', entryIds).execute();
  return rows.map((r) => r.entry_id);
}
