import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** gw_call_stat, gw_health_check and the systems' last calls: what monitoring writes and reads. */

export async function addCallStats(
  db: Db,
  rows: Array<{
    entryId: string;
    operation: string;
    hour: Date;
    calls: number;
    failures: number;
    refusals: number;
    latencySum: number;
    buckets: number[];
  }>,
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('gw_call_stat')
    .values(
      rows.map((r) => ({
        entry_id: r.entryId,
        operation: r.operation,
        hour: r.hour,
        calls: r.calls,
        failures: r.failures,
        refusals: r.refusals,
        latency_ms_sum: r.latencySum,
        latency_buckets: r.buckets,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['entry_id', 'operation', 'hour']).doUpdateSet({
        calls: sql`gw_call_stat.calls + excluded.calls`,
        failures: sql`gw_call_stat.failures + excluded.failures`,
        refusals: sql`gw_call_stat.refusals + excluded.refusals`,
        latency_ms_sum: sql`gw_call_stat.latency_ms_sum + excluded.latency_ms_sum`,
        latency_buckets: sql`array(select a + b from unnest(gw_call_stat.latency_buckets, excluded.latency_buckets) as t(a, b))`,
      }),
    )
    .execute();
}

export async function touchSystems(db: Db, used: Array<[string, Date]>): Promise<void> {
  for (const [id, at] of used)
    await db
      .updateTable('gw_system')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute();
}

export function callStatsSince(db: Db, entryId: string, since: Date) {
  return db
    .selectFrom('gw_call_stat')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('hour', '>=', since)
    .orderBy('hour')
    .execute();
}

export async function insertHealthCheck(
  db: Db,
  r: { entryId: string; at: Date; ok: boolean; status: number | null; latencyMs: number; error: string | null },
): Promise<void> {
  await db
    .insertInto('gw_health_check')
    .values({ entry_id: r.entryId, at: r.at, ok: r.ok, status: r.status, latency_ms: r.latencyMs, error: r.error })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function healthSince(db: Db, entryId: string, since: Date) {
  const r = await db
    .selectFrom('gw_health_check')
    .select((eb) => [
      eb.fn.countAll<string>().as('checks'),
      eb.fn.count<string>('ok').filterWhere('ok', '=', true).as('up'),
    ])
    .where('entry_id', '=', entryId)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('gw_health_check')
    .selectAll()
    .where('entry_id', '=', entryId)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { checks: Number(r.checks), up: Number(r.up), last };
}

/** Calls per grant of the entry over the days, with its consumer. */
/** Probes and probes up per Beijing day (UTC+8, no summer time) since a time, oldest first. */
export async function healthByDay(db: Db, entryId: string, since: Date) {
  const day = sql<string>`to_char(at + interval '8 hours', 'YYYY-MM-DD')`;
  const rows = await db
    .selectFrom('gw_health_check')
    .select((eb) => [
      day.as('day'),
      eb.fn.countAll<string>().as('checks'),
      eb.fn.count<string>('ok').filterWhere('ok', '=', true).as('up'),
    ])
    .where('entry_id', '=', entryId)
    .where('at', '>=', since)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, checks: Number(r.checks), up: Number(r.up) }));
}

export function callsPerGrant(db: Db, entryId: string, fromDay: string) {
  return db
    .selectFrom('gw_usage as u')
    .innerJoin('share_grant as g', 'g.id', 'u.grant_id')
    .innerJoin('department as d', 'd.id', 'g.consumer_department_id')
    .select((eb) => [
      'g.no',
      'd.name as consumer',
      eb.fn.sum<string>('u.calls').as('calls'),
      eb.fn.sum<string>('u.refused').as('refused'),
    ])
    .where('g.entry_id', '=', entryId)
    .where('u.day', '>=', fromDay)
    .groupBy(['g.no', 'd.name'])
    .orderBy('calls', 'desc')
    .execute();
}

export async function deleteHealthChecksBefore(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('gw_health_check').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function allUpstreams(db: Db) {
  return db
    .selectFrom('gw_upstream')
    .select(['entry_id', 'base_url', 'health_path', 'auth_kind', 'auth_config', 'auth_secret', 'timeout_ms'])
    .execute();
}
