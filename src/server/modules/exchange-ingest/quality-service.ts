import type { AppContext } from '../../app-context';
import type { QualityColumn } from '../../db/types';
import { notFound } from '../../platform/errors';
import type { UpdateCycle } from '../../../shared/catalog/enums';
import { publishedVersionOf } from '../catalog';
import { PULL_INTERVAL_MS } from './bindings-service';
import { findManaged } from './center-repo';
import { formatCheckFor } from './quality-checks';
import * as repo from './quality-repo';
import { serviceUptimeOf, type ServiceUptime } from './service-uptime';

/**
 * quality of a resource's data in the center, measured after each load and kept as history; for a
 * resource shared by 服务接口, also its service's availability as the gateway probes it.
 */

const SAMPLE = 10_000;
const LAST_RUNS = 10;

export interface QualitySnapshot {
  at: string;
  rows: number;
  completeness: number;
  accuracy: number | null;
  availability: number;
  columns: QualityColumn[];
}

export interface Quality {
  latest: QualitySnapshot | null;
  /** Whether the last load is within the entry's update cycle (null: irregular, or never loaded). */
  timely: boolean | null;
  lastLoadAt: string | null;
  history: QualitySnapshot[];
  /** Shared by 服务接口: its service's uptime over the last week, by the gateway's probes; null when none is registered. */
  service: ServiceUptime | null;
}

const SERVICE_DAYS = 7;

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 10_000) / 10_000);

/** Measures the managed table now and stores a snapshot (called after a pull finishes). */
export async function measureQuality(ctx: AppContext, entryId: string, runId: string | null): Promise<QualitySnapshot> {
  const managed = await findManaged(ctx.db, entryId);
  const v = await publishedVersionOf(ctx, entryId);
  if (!managed || !v) throw notFound('Resource data', '资源数据');
  const items = new Map(v.items.map((i) => [i.id, i]));
  const names = managed.columns.map((c) => c.column);
  const { rows, filled } = await repo.filledCounts(ctx.db, managed.table_name, names);
  const percent = rows > SAMPLE ? Math.max(1, Math.ceil((100 * SAMPLE * 2) / rows)) : 100;
  const columns: QualityColumn[] = [];
  for (const [i, c] of managed.columns.entries()) {
    const item = items.get(c.itemId);
    const check = item ? formatCheckFor({ name: item.name, dataType: c.dataType }) : null;
    const values = check ? await repo.sampleValues(ctx.db, managed.table_name, c.column, SAMPLE, percent) : [];
    columns.push({
      column: c.column,
      name: item?.name ?? c.column,
      filled: filled[i]!,
      checked: values.length,
      invalid: check ? values.filter((x) => !check.valid(x)).length : 0,
      rule: check?.rule ?? null,
    });
  }
  const checked = columns.reduce((a, c) => a + c.checked, 0);
  const invalid = columns.reduce((a, c) => a + c.invalid, 0);
  const runs = await repo.recentRunOutcomes(ctx.db, entryId, LAST_RUNS);
  const snapshot: QualitySnapshot = {
    at: ctx.clock.now().toISOString(),
    rows,
    completeness: ratio(
      filled.reduce((a, n) => a + n, 0),
      rows * Math.max(names.length, 1),
    ),
    accuracy: checked ? ratio(checked - invalid, checked) : null,
    availability: ratio(runs.done, runs.total),
    columns,
  };
  await repo.insertSnapshot(ctx.db, {
    entry_id: entryId,
    run_id: runId,
    at: ctx.clock.now(),
    row_count: rows,
    completeness: snapshot.completeness,
    accuracy: snapshot.accuracy,
    availability: snapshot.availability,
    columns: JSON.stringify(columns),
  });
  return snapshot;
}

/**
 * When the center's copy of an entry's data last changed and how many rows it holds, for the open
 * portal (R-30 update freshness): the latest quality snapshot, which every load takes right after it
 * writes (a pull, an upload, the demo seed). null: never loaded.
 */
export async function dataFreshness(ctx: AppContext, entryId: string): Promise<{ at: string; rows: number } | null> {
  return (await dataFreshnessOf(ctx, [entryId])).get(entryId) ?? null;
}

/** dataFreshness of many entries in one query, by entry id (a page of CKAN packages). */
export async function dataFreshnessOf(
  ctx: AppContext,
  entryIds: string[],
): Promise<Map<string, { at: string; rows: number }>> {
  const rows = await repo.latestSnapshots(ctx.db, entryIds);
  return new Map(rows.map((r) => [r.entry_id, { at: r.at.toISOString(), rows: Number(r.row_count) }]));
}

export async function getQuality(ctx: AppContext, entryId: string): Promise<Quality> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  const [rows, last, service] = await Promise.all([
    repo.snapshots(ctx.db, entryId, 30),
    repo.lastLoad(ctx.db, entryId),
    serviceUptimeOf(ctx, entryId, SERVICE_DAYS),
  ]);
  const history = rows.map((r) => ({
    at: r.at.toISOString(),
    rows: Number(r.row_count),
    completeness: Number(r.completeness),
    accuracy: r.accuracy === null ? null : Number(r.accuracy),
    availability: Number(r.availability),
    columns: r.columns,
  }));
  const every = PULL_INTERVAL_MS[v.updateCycle as UpdateCycle];
  // Timeliness is judged now, not at measurement: data loaded on time goes stale if loads stop.
  const timely = !last || every === null ? null : ctx.clock.now().getTime() - last.getTime() <= every * 1.5;
  return { latest: history[0] ?? null, timely, lastLoadAt: last ? last.toISOString() : null, history, service };
}
