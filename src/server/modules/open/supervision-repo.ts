import type { Db } from '../../app-context';

/**
 * The open portal's facts for supervision (Chapter 6), in the window [from, until) (`until` is the
 * period's end, or now for a period still running): entries the catalog allows to open and their
 * portal state, downloads and open-API calls (from their audit events, R-42), and 有条件开放
 * applications with their due dates.
 */

/** Audit actions of a successful download from the portal and of a page of records from the open API. */
export const DOWNLOAD_ACTION = 'open.data.download';
export const API_ACTION = 'open.api.records';

/** Published entries whose current version opens unconditionally or on application, created before `until`. */
export function openableEntries(db: Db, until: Date) {
  return db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .leftJoin('open_dataset as od', 'od.entry_id', 'e.id')
    .select([
      'e.id as entry_id',
      'e.code',
      'e.provider_department_id',
      'v.name',
      'v.open_type',
      'od.status',
      'od.opened_at',
      'od.withdrawn_at',
    ])
    .where('e.status', '=', 'published')
    .where('v.open_type', 'in', ['unconditional', 'conditional'])
    .where('e.created_at', '<', until)
    .orderBy('e.code')
    .execute();
}

/** Successful downloads and open-API calls in the window, per resource code. */
export function usageByCode(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('audit_event as a')
    .select(['a.target_id as code'])
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('a.action', '=', DOWNLOAD_ACTION).as('downloads'),
      eb.fn.countAll<string>().filterWhere('a.action', '=', API_ACTION).as('api_calls'),
    ])
    .where('a.action', 'in', [DOWNLOAD_ACTION, API_ACTION])
    .where('a.outcome', '=', 'success')
    .where('a.target_id', 'is not', null)
    .where('a.at', '>=', from)
    .where('a.at', '<', until)
    .groupBy('a.target_id')
    .execute();
}

function applications(db: Db) {
  return (
    db
      .selectFrom('open_application as a')
      .innerJoin('catalog_entry as e', 'e.id', 'a.entry_id')
      .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
      .select(['a.id', 'a.no', 'a.provider_department_id', 'a.due_at', 'a.decided_at', 'e.code', 'v.name'])
      // A withdrawn application needed no answer (and when it was withdrawn is not recorded).
      .where('a.status', '<>', 'withdrawn')
  );
}

/** Applications that fell due in the window. */
export function applicationsDue(db: Db, from: Date, until: Date) {
  return applications(db)
    .where('a.due_at', '>=', from)
    .where('a.due_at', '<', until)
    .orderBy('a.due_at')
    .orderBy('a.id')
    .execute();
}

/** Applications late in the window: past due before `until`, not decided by their due date, late during it. */
export function applicationsLate(db: Db, from: Date, until: Date) {
  return applications(db)
    .where('a.due_at', '<', until)
    .where((eb) => eb.or([eb('a.decided_at', 'is', null), eb('a.decided_at', '>', eb.ref('a.due_at'))]))
    .where((eb) => eb.or([eb('a.due_at', '>=', from), eb('a.decided_at', 'is', null), eb('a.decided_at', '>=', from)]))
    .orderBy('a.due_at')
    .orderBy('a.id')
    .execute();
}
