import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** SQL of table uploads; the rows themselves go through center-repo. */

/**
 * A run number for the uploaded rows' _gs_run, drawn from the pulls' own sequence: never equal to
 * a pull's, so "delete what this load did not touch" works for a replacing upload as for a full pull.
 */
export async function nextRunNumber(db: Db): Promise<string> {
  const r = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('exchange_run', 'id'))::text as id`.execute(
    db,
  );
  return r.rows[0]!.id;
}

/**
 * Transaction-level try-locks: on the entry (one upload at a time) and on its binding, whose key is
 * the one a running pull holds for its whole run (pull-repo tryLockBinding), so an upload never
 * interleaves with a pull. Released at commit or rollback.
 */
export async function tryLockForUpload(db: Db, entryId: string, bindingId: string | null): Promise<boolean> {
  const keys = [`govshare.exchange.upload.${entryId}`, ...(bindingId ? [`govshare.exchange.${bindingId}`] : [])];
  for (const k of keys) {
    const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${k})) as ok`.execute(db);
    if (!r.rows[0]!.ok) return false;
  }
  return true;
}
