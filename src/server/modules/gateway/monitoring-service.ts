import { request } from 'undici';
import type { AppContext } from '../../app-context';
import { addDays, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { forbidden, notFound } from '../../platform/errors';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { publishedVersionOf } from '../catalog';
import type { ServiceUptime } from '../exchange-ingest';
import { LATENCY_BOUNDS_MS, percentileOf } from './call-stats';
import * as stats from './stats-repo';
import { findUpstream } from './upstreams-repo';
import { openAuthSecret } from './upstream-secret';

/**
 * R-23 point 4 and R-27: active health checks of every upstream, and what the provider and the
 * platform see of a service — availability (probes up), per-operation calls, failures, refusals and
 * latency percentiles, calls per hour and per grant.
 */

const PROBE_TIMEOUT_MS = 5_000;
const KEEP_CHECKS_DAYS = 90;

/** Job: one probe of each upstream (its health path, else the base URL); an answer below 500 in time is up. */
export async function checkUpstreams(ctx: AppContext): Promise<number> {
  const upstreams = await stats.allUpstreams(ctx.db);
  await Promise.all(
    upstreams.map(async (u) => {
      const at = ctx.clock.now();
      const started = performance.now();
      const headers: Record<string, string> =
        u.auth_kind === 'header' && u.auth_secret && u.auth_config.name
          ? { [u.auth_config.name.toLowerCase()]: await openAuthSecret(ctx, u.entry_id, u.auth_secret) }
          : {};
      let status: number | null = null;
      let error: string | null = null;
      try {
        const res = await request(`${u.base_url}${u.health_path ?? ''}`, {
          headers,
          headersTimeout: Math.min(u.timeout_ms, PROBE_TIMEOUT_MS),
          bodyTimeout: Math.min(u.timeout_ms, PROBE_TIMEOUT_MS),
        });
        status = res.statusCode;
        await res.body.dump();
      } catch (e) {
        error = ((e as { code?: string }).code ?? (e as Error).message).slice(0, 200);
      }
      await stats.insertHealthCheck(ctx.db, {
        entryId: u.entry_id,
        at,
        ok: status !== null && status < 500,
        status,
        latencyMs: Math.round(performance.now() - started),
        error,
      });
    }),
  );
  await stats.deleteHealthChecksBefore(ctx.db, new Date(ctx.clock.now().getTime() - KEEP_CHECKS_DAYS * 86_400_000));
  return upstreams.length;
}

/**
 * The uptime of an entry's service over the last `days` Beijing days, today included; null when no
 * service is registered. Read by the resource's data quality and, later, supervision.
 */
export async function serviceUptime(ctx: AppContext, entryId: string, days: number): Promise<ServiceUptime | null> {
  if (!(await findUpstream(ctx.db, entryId))) return null;
  const from = addDays(shanghaiDate(ctx.clock.now()), 1 - days);
  const daily = await stats.healthByDay(ctx.db, entryId, new Date(`${from}T00:00:00+08:00`));
  const checks = daily.reduce((n, d) => n + d.checks, 0);
  const up = daily.reduce((n, d) => n + d.up, 0);
  return {
    days,
    checks,
    up,
    ratio: checks ? up / checks : null,
    daily: daily.map((d) => ({ ...d, ratio: d.up / d.checks })),
  };
}

export interface ServiceStats {
  days: number;
  availability: { checks: number; up: number; ratio: number | null; lastCheck: LastCheck | null };
  operations: Array<{
    id: string;
    calls: number;
    failures: number;
    refusals: number;
    errorRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
  }>;
  hourly: Array<{ hour: string; calls: number; failures: number; p95Ms: number | null }>;
  grants: Array<{ grantNo: string; consumer: string; calls: number; refused: number }>;
}
interface LastCheck {
  at: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
}

const addBuckets = (a: number[], b: readonly number[]) => a.map((x, i) => x + (b[i] ?? 0));
const ms = (v: number | null) => (v === null ? null : Number.isFinite(v) ? v : LATENCY_BOUNDS_MS.at(-1)! * 2);

/** A service's monitoring over the last `days` days: the provider's and the platform's view. */
export async function serviceStats(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  days: number,
): Promise<ServiceStats> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!inScope(scopeOf(actor, 'gateway.upstream.manage'), v.providerDepartmentId))
    throw forbidden(
      'Only the providing department and the platform see the monitoring',
      '只有提供部门和平台可以查看接口监控',
    );
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - days * 86_400_000);
  const [rows, health, grants] = await Promise.all([
    stats.callStatsSince(ctx.db, entryId, since),
    stats.healthSince(ctx.db, entryId, since),
    stats.callsPerGrant(ctx.db, entryId, addDays(shanghaiDate(now), 1 - days)),
  ]);
  const empty = () => ({
    calls: 0,
    failures: 0,
    refusals: 0,
    buckets: Array(LATENCY_BOUNDS_MS.length + 1).fill(0) as number[],
  });
  const byOp = new Map<string, ReturnType<typeof empty>>();
  const byHour = new Map<string, ReturnType<typeof empty>>();
  for (const r of rows) {
    for (const [map, key] of [
      [byOp, r.operation],
      [byHour, r.hour.toISOString()],
    ] as const) {
      const acc = map.get(key) ?? empty();
      acc.calls += r.calls;
      acc.failures += r.failures;
      acc.refusals += r.refusals;
      acc.buckets = addBuckets(acc.buckets, r.latency_buckets);
      map.set(key, acc);
    }
  }
  const last = health.last;
  return {
    days,
    availability: {
      checks: health.checks,
      up: health.up,
      ratio: health.checks ? health.up / health.checks : null,
      lastCheck: last
        ? { at: last.at.toISOString(), ok: last.ok, status: last.status, latencyMs: last.latency_ms, error: last.error }
        : null,
    },
    operations: [...byOp].map(([id, a]) => ({
      id,
      calls: a.calls,
      failures: a.failures,
      refusals: a.refusals,
      errorRate: a.calls ? a.failures / a.calls : null,
      p50Ms: ms(percentileOf(a.buckets, 50)),
      p95Ms: ms(percentileOf(a.buckets, 95)),
    })),
    hourly: [...byHour].map(([hour, a]) => ({
      hour,
      calls: a.calls,
      failures: a.failures,
      p95Ms: ms(percentileOf(a.buckets, 95)),
    })),
    grants: grants.map((g) => ({
      grantNo: g.no,
      consumer: g.consumer,
      calls: Number(g.calls),
      refused: Number(g.refused),
    })),
  };
}
