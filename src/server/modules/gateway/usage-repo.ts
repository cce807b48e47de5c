import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** What the gateway writes behind its calls: nonces and per-grant daily counts. */

export async function insertNonces(db: Db, rows: Array<{ appKey: string; nonce: string; at: Date }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('gw_nonce')
      .values(rows.slice(i, i + 1000).map((r) => ({ app_key: r.appKey, nonce: r.nonce, at: r.at })))
      .onConflict((oc) => oc.doNothing())
      .execute();
}

export function recentNonces(db: Db, since: Date) {
  return db.selectFrom('gw_nonce').select(['app_key', 'nonce', 'at']).where('at', '>', since).execute();
}

export async function deleteNoncesBefore(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('gw_nonce').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function callsOn(db: Db, grantId: string, day: string): Promise<number> {
  const r = await db
    .selectFrom('gw_usage')
    .select('calls')
    .where('grant_id', '=', grantId)
    .where('day', '=', day)
    .executeTakeFirst();
  return r?.calls ?? 0;
}

/** Adds counts to the day's row of each grant. */
export async function addUsage(
  db: Db,
  rows: Array<{ grantId: string; day: string; calls: number; refused: number }>,
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('gw_usage')
    .values(rows.map((r) => ({ grant_id: r.grantId, day: r.day, calls: r.calls, refused: r.refused })))
    .onConflict((oc) =>
      oc.columns(['grant_id', 'day']).doUpdateSet({
        calls: sql`gw_usage.calls + excluded.calls`,
        refused: sql`gw_usage.refused + excluded.refused`,
      }),
    )
    .execute();
}
