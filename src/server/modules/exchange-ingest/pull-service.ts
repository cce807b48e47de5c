import type { AppContext } from '../../app-context';
import type { ColumnMapping, ManagedColumn, RunCheckpoint } from '../../db/types';
import { conflict, notFound } from '../../platform/errors';
import { recordSystemAudit } from '../../platform/audit/service';
import * as center from './center-repo';
import { copyTail, WINDOW_BATCHES, withLoadConnection, type Cells, type LoadConnection } from './center-load-repo';
import { ensureManagedTable } from './center-service';
import {
  EMPTY_VALUES,
  type BatchRequest,
  type CopyCellKind,
  type CopyPlan,
  type SourceConnector,
  type TableRef,
} from './connectors/types';
import * as repo from './pull-repo';
import { publish } from '../../platform/events';
import { measureQuality } from './quality-service';
import { withSourceConnector } from './sources-service';

/**
 * R-21 table jobs, pull side: a source table into the entry's managed table, in keyset batches.
 * Each batch is written and the run's checkpoint moved in one transaction, so a run killed at any
 * moment resumes after its last committed batch: no row lost (the checkpoint never passes an
 * uncommitted row) and none doubled (a batch and its checkpoint commit together).
 *
 * A full pull appends to a stage table (by COPY on PostgreSQL) that replaces the managed table in
 * its last transaction: readers see the old rows or the new, never a mix. An incremental pull
 * upserts its (few) rows into the managed table itself.
 */

/** Rows per batch: measured best for speed and memory in bench/exchange (10,000 was no faster and took more memory). */
export const DEFAULT_BATCH = 5000;

export interface PullProgress {
  runId: string;
  mode: 'full' | 'incremental';
  read: number;
  written: number;
  /** Rows in the source when the run started (full pulls; null for incremental ones). */
  total: number | null;
  rowsPerSecond: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | null;
  resumed: boolean;
}

export interface PullSummary extends PullProgress {
  deleted: number;
  reconciliation: Reconciliation | null;
}

export interface Reconciliation {
  sourceRows: number;
  centerRows: number;
  match: boolean;
}

export interface PullOptions {
  mode?: 'full' | 'incremental';
  batchSize?: number;
  startedBy?: string | null;
  onProgress?: (p: PullProgress) => void;
}

/** The text key of a row: one key column as it is, several as a JSON array (stable, comparable). */
export const rowKey = (row: Record<string, unknown>, keys: readonly string[]) =>
  keys.length === 1 ? String(row[keys[0]!]) : JSON.stringify(keys.map((k) => String(row[k])));

/**
 * How a source value becomes what the managed column takes (MySQL flags are 0/1 or a bit; zero dates
 * are no date), chosen once per column: a pull converts every cell, so the type is not looked at per
 * value. copyCellOf says the same for pulls that write the source's bytes as COPY text.
 */
export function centerValueOf(dataType: string): (v: unknown) => unknown {
  if (dataType === 'C' || dataType === 'M')
    return (v) =>
      v === null || v === undefined
        ? null
        : typeof v === 'string'
          ? v
          : Buffer.isBuffer(v)
            ? v.toString('utf8')
            : String(v);
  if (dataType === 'L')
    return (v) =>
      v === null || v === undefined || (typeof v === 'string' && EMPTY_VALUES.has(v))
        ? null
        : v === true ||
          v === 1 ||
          v === '1' ||
          v === 't' ||
          v === 'true' ||
          (Buffer.isBuffer(v) && v.length === 1 && v[0] === 1);
  return (v) => (v === null || v === undefined || (typeof v === 'string' && EMPTY_VALUES.has(v)) ? null : v);
}

export function copyCellOf(dataType: string): CopyCellKind {
  return dataType === 'C' || dataType === 'M'
    ? 'text'
    : dataType === 'L'
      ? 'flag'
      : dataType === 'G'
        ? 'bytes'
        : 'value';
}

/** A batch on its way into the center: cells, or lines of COPY text where the source writes them. */
interface LoadBatch {
  rows: number;
  data: Cells | Buffer;
  /** Where a resumed run starts once this batch is committed. */
  checkpoint: RunCheckpoint;
}

interface Plan {
  columns: ManagedColumn[];
  sources: string[];
}

/** Which source column fills which managed column; unmapped items stay null. */
function planOf(columns: ManagedColumn[], map: ColumnMapping[]): Plan {
  const byColumn = new Map(map.map((m) => [m.fieldName, m.sourceColumn]));
  const mapped = columns.filter((c) => byColumn.has(c.column));
  return { columns: mapped, sources: mapped.map((c) => byColumn.get(c.column)!) };
}

/**
 * Runs (or resumes) the binding's pull on one dedicated connection that holds the binding's
 * advisory lock for the whole run; everything the run reads and writes goes through it.
 */
export async function runPull(ctx: AppContext, bindingId: string, opts: PullOptions = {}): Promise<PullSummary> {
  return withLoadConnection(ctx, async (load) => {
    const c = { ...ctx, db: load.db };
    if (!(await repo.tryLockBinding(load.db, bindingId)))
      throw conflict('EXCHANGE_RUN_BUSY', 'A pull of this resource is running', '该资源的数据汇聚任务正在运行');
    try {
      return await pullLocked(c, load, bindingId, opts);
    } finally {
      await repo.unlockBinding(load.db, bindingId);
    }
  });
}

async function pullLocked(
  ctx: AppContext,
  load: LoadConnection,
  bindingId: string,
  opts: PullOptions,
): Promise<PullSummary> {
  const b = await repo.findBinding(ctx.db, bindingId);
  if (!b) throw notFound('Exchange binding', '数据汇聚配置');
  const managed = await ensureManagedTable(ctx, b.entry_id);
  const plan = planOf(managed.columns, b.column_map);
  const now = ctx.clock.now();
  const existing = await repo.runningRun(ctx.db, bindingId);
  const run =
    existing ??
    (await repo.insertRun(ctx.db, {
      binding_id: bindingId,
      entry_id: b.entry_id,
      mode: opts.mode ?? (b.watermark_column && b.last_checkpoint ? 'incremental' : 'full'),
      status: 'running',
      started_at: now,
      heartbeat_at: now,
      started_by: opts.startedBy ?? null,
    }));
  const mode = run.mode;
  const table = { schema: b.source_schema, name: b.source_table };
  const readColumns = [
    ...new Set([...b.key_columns, ...(b.watermark_column ? [b.watermark_column] : []), ...plan.sources]),
  ];
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const started = Date.now();
  let read = Number(run.rows_read);
  let written = Number(run.rows_written);
  const readAtStart = read;
  // Incremental runs continue after the last finished run's last row; a resumed run after its own checkpoint.
  let after: RunCheckpoint | null = run.checkpoint ?? (mode === 'incremental' ? b.last_checkpoint : null);

  try {
    return await withSourceConnector(ctx, b.source_id, async (source) => {
      const total = mode === 'full' ? await source.count(table) : null;
      // Taken before reading, so a row changed while this pull runs is newer and the next incremental pull sees it.
      const high =
        mode === 'full' && b.watermark_column
          ? (run.checkpoint?.high ?? (await highWaterMark(source, table, b.key_columns, b.watermark_column)))
          : null;
      if (total !== null && run.source_rows === null) await repo.updateRun(ctx.db, run.id, { source_rows: total });
      if (
        mode === 'full' &&
        !(await center.openStage(ctx.db, managed.name, run.checkpoint !== null)) &&
        run.checkpoint !== null
      ) {
        // The interrupted run's stage is gone or no longer fits the table (a new catalog version): start over.
        after = null;
        read = written = 0;
        await repo.updateRun(ctx.db, run.id, { rows_read: 0, rows_written: 0, checkpoint: null });
      }
      const progress = (): PullProgress => {
        const seconds = (Date.now() - started) / 1000;
        const rate = seconds > 0 ? (read - readAtStart) / seconds : 0;
        return {
          runId: run.id,
          mode,
          read,
          written,
          total,
          rowsPerSecond: Math.round(rate),
          etaSeconds: total !== null && rate > 0 ? Math.max(0, Math.round((total - read) / rate)) : null,
          resumed: !!existing,
        };
      };
      const request = (from: RunCheckpoint | null): BatchRequest => ({
        table,
        columns: readColumns,
        keyColumns: b.key_columns,
        watermarkColumn: mode === 'incremental' ? b.watermark_column : null,
        after: from,
        limit: batchSize,
      });
      // Rows come as arrays in readColumns order; positions are worked out once, not per row.
      const at = (c: string) => readColumns.indexOf(c);
      const keyAt = b.key_columns.map(at);
      const wmAt = mode === 'incremental' && b.watermark_column ? at(b.watermark_column) : -1;
      const sourceAt = plan.sources.map(at);
      const converters = plan.columns.map((col) => centerValueOf(col.dataType));
      const names = plan.columns.map((col) => col.column);
      const keyOf =
        keyAt.length === 1
          ? (r: unknown[]) => String(r[keyAt[0]!])
          : (r: unknown[]) => JSON.stringify(keyAt.map((i) => String(r[i])));
      const checkpointOf = (key: unknown[], watermark?: unknown): RunCheckpoint => ({
        key,
        ...(wmAt >= 0 ? { watermark } : {}),
        ...(high ? { high } : {}),
      });
      /** A source batch as the center's cells: the row key, then each mapped value as its column takes it. */
      const convert = (rows: unknown[][]): LoadBatch => {
        const last = rows[rows.length - 1]!;
        const cells: Cells = {
          rows: rows.length,
          cell: (r, c) => (c === 0 ? keyOf(rows[r]!) : converters[c - 1]!(rows[r]![sourceAt[c - 1]!])),
        };
        return {
          rows: rows.length,
          data: cells,
          checkpoint: checkpointOf(
            keyAt.map((i) => last[i]),
            wmAt >= 0 ? last[wmAt] : undefined,
          ),
        };
      };
      const arraysOf = (cells: Cells) =>
        Array.from({ length: cells.rows }, (_, r) =>
          Array.from({ length: names.length + 1 }, (_, c) => cells.cell(r, c)),
        );
      // A full pull's rows all appear at the swap: they carry the run's start as their load time.
      const loadedAt = run.started_at;
      const copyPlan: CopyPlan = {
        key: keyAt,
        cells: plan.columns.map((col, i) => ({ at: sourceAt[i]!, as: copyCellOf(col.dataType) })),
        tail: copyTail(run.id, loadedAt),
      };
      // Into PostgreSQL, a source that can hand its rows over as COPY text: no value is decoded here.
      const copying = mode === 'full' && load.copies && source.scanCopy !== undefined;
      async function* loadBatches(from: RunCheckpoint | null): AsyncGenerator<LoadBatch> {
        if (copying)
          for await (const b of source.scanCopy!(request(from), copyPlan))
            yield { rows: b.rows, data: b.text, checkpoint: checkpointOf(b.lastKey) };
        else for await (const rows of source.scan(request(from))) yield convert(rows);
      }
      // One transaction per window of batches: its rows and the checkpoint after its last row commit
      // together. Within a window the source streams the next batch while this one is written.
      const windowRows = batchSize * WINDOW_BATCHES;
      const batches = loadBatches(after);
      let next = await batches.next();
      try {
        while (!next.done) {
          await ctx.db.transaction().execute(async (trx) => {
            const now = ctx.clock.now();
            const sink =
              mode === 'full' ? load.openAppend(trx, center.stageOf(managed.name), names, run.id, loadedAt) : null;
            let rows = 0;
            let changed = 0;
            let checkpoint: RunCheckpoint | null = null;
            try {
              while (!next.done && rows < windowRows) {
                const batch = next.value;
                const coming = batches.next();
                // Settled by the loop below; a failure of the write must not leave it unhandled meanwhile.
                coming.catch(() => {});
                if (sink) await sink.write(batch.data);
                else
                  changed += await center.upsertRows(
                    trx,
                    managed.name,
                    plan.columns,
                    arraysOf(batch.data as Cells),
                    run.id,
                    now,
                  );
                rows += batch.rows;
                checkpoint = batch.checkpoint;
                opts.onProgress?.({ ...progress(), read: read + rows });
                next = await coming;
              }
              await sink?.end();
            } catch (e) {
              sink?.abort(e);
              throw e;
            }
            const n = sink ? rows : changed;
            await repo.advanceRun(trx, run.id, rows, n, checkpoint, now);
            read += rows;
            written += n;
            after = checkpoint;
          });
        }
      } finally {
        // Stops the source's query when the run fails part-way (a finished scan is already done).
        await batches.return(undefined).catch(() => undefined);
      }
      const resumeAt = mode === 'incremental' ? after : high ? { key: high.key, watermark: high.watermark } : null;
      const summary = await finish(
        ctx,
        { runId: run.id, bindingId, entryId: b.entry_id, table: managed.name, mode, total, next: resumeAt },
        progress(),
      );
      // measured after every load; a failure to measure never fails the load itself.
      await measureQuality(ctx, b.entry_id, run.id).catch((e: unknown) =>
        ctx.log.warn(`exchange: quality of ${b.entry_id} not measured: ${String(e)}`),
      );
      return summary;
    });
  } catch (e) {
    await repo.updateRun(ctx.db, run.id, {
      status: 'failed',
      finished_at: ctx.clock.now(),
      error: e instanceof Error ? e.message.slice(0, 2000) : String(e),
    });
    throw e;
  }
}

async function highWaterMark(
  source: SourceConnector,
  table: TableRef,
  keys: string[],
  watermark: string,
): Promise<RunCheckpoint['high']> {
  const [top] = await source.readBatch({
    table,
    columns: [watermark, ...keys],
    keyColumns: keys,
    watermarkColumn: watermark,
    descending: true,
    limit: 1,
  });
  return top ? { key: keys.map((k) => top[k]), watermark: top[watermark] } : null;
}

interface Finishing {
  runId: string;
  bindingId: string;
  entryId: string;
  table: string;
  mode: 'full' | 'incremental';
  total: number | null;
  /** Where the next incremental pull starts. */
  next: RunCheckpoint | null;
}

/** Last transaction of a run: a full pull's stage replaces the managed table; the reconciliation is recorded. */
async function finish(ctx: AppContext, f: Finishing, p: PullProgress): Promise<PullSummary> {
  return ctx.db.transaction().execute(async (trx) => {
    const deleted = f.mode === 'full' ? await center.swapStage(trx, f.table) : 0;
    const centerRows = await center.countRows(trx, f.table);
    const reconciliation = f.total !== null ? { sourceRows: f.total, centerRows, match: f.total === centerRows } : null;
    const now = ctx.clock.now();
    await repo.updateRun(trx, f.runId, {
      status: 'done',
      finished_at: now,
      heartbeat_at: now,
      rows_deleted: deleted,
      reconciliation: JSON.stringify(reconciliation),
    });
    if (f.next)
      await repo.updateBinding(trx, f.bindingId, { last_checkpoint: JSON.stringify(f.next), updated_at: now });
    await recordSystemAudit({ ...ctx, db: trx }, 'job-runner', {
      category: 'aggregate',
      // Spelled out, not built from the mode: every action code is findable and labelled (src/shared/audit/actions.ts).
      action: f.mode === 'full' ? 'exchange.pull.full' : 'exchange.pull.incremental',
      targetType: 'catalog_entry',
      targetId: f.entryId,
      rowCount: p.written,
      detail: { runId: f.runId, read: p.read, deleted, reconciliation },
    });
    // New rows in the center go on to the consumers whose grants deliver into their databases (exchange-delivery).
    await publish({ ...ctx, db: trx }, 'exchange.center.loaded', { entryId: f.entryId, runId: f.runId, mode: f.mode });
    return { ...p, deleted, reconciliation };
  });
}
