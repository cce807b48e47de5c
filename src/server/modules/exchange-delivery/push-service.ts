import type { AppContext } from '../../app-context';
import type { PushCheckpoint } from '../../db/types';
import { recordSystemAudit } from '../../platform/audit/service';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { scheduleJob } from '../../platform/jobs/service';
import { can } from '../../platform/rbac/permissions';
import { getGrant, deliveryStamp } from '../sharing';
import * as center from '../exchange-ingest';
import {
  type TargetColumn,
  type TargetRow,
  type TargetSpec,
  WINDOW_BATCHES,
  withLoadConnection,
  type LoadConnection,
  targetColumnType,
  getSource,
  parseTableRef,
  withSourceTarget,
} from '../exchange-ingest';
import { resolveAccess, type DataAccess } from './data-access';
import { compileRule, maskText } from '../../platform/masking';
import { maskedBatches } from './push-copy';
import * as repo from './push-repo';
import type { Push, PushInput, PushRun } from './push-schemas';

/**
 * R-21 push jobs, R-20/R-43: a 库表 grant's items delivered into a table of the consumer's own
 * database, masked by the grant's rules — the same resolveAccess every other outbound path uses.
 * Full pushes fill a stage and swap it in; incremental ones upsert the rows loaded since the last
 * push. Both checkpoint after every batch and resume after a crash without a lost or doubled row.
 */

export const PUSH_JOB = 'exchange.push';
export const PUSH_BATCH = 5000;

export interface PushProgress {
  runId: string;
  mode: 'full' | 'incremental';
  written: number;
  total: number | null;
  rowsPerSecond: number;
  etaSeconds: number | null;
  resumed: boolean;
}

export interface PushSummary extends PushProgress {
  grantNo: string;
  reconciliation: { centerRows: number; targetRows: number; match: boolean } | null;
}

export interface PushOptions {
  mode?: 'full' | 'incremental';
  batchSize?: number;
  startedBy?: string | null;
  onProgress?: (p: PushProgress) => void;
}

const toRun = (r: repo.PushRunRow): PushRun => ({
  id: r.id,
  mode: r.mode,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  sourceRows: r.source_rows === null ? null : Number(r.source_rows),
  rowsWritten: Number(r.rows_written),
  reconciliation: (r.reconciliation as PushRun['reconciliation']) ?? null,
  error: r.error,
});

async function toPush(ctx: AppContext, p: repo.PushRow, actor: Actor): Promise<Push> {
  return {
    id: p.id,
    grantId: p.grant_id,
    grantNo: p.grant_no,
    grantActive: p.grant_status === 'active',
    entryId: p.entry_id,
    targetId: p.target_id,
    targetName: p.target_name,
    targetKind: p.target_kind,
    table: p.target_table,
    scheduled: p.scheduled,
    canManage: mayManage(actor, p.department_id),
    runs: (await repo.pushRuns(ctx.db, p.id, 20)).map(toRun),
  };
}

const mayManage = (actor: Actor, consumerDepartmentId: string) =>
  can(actor.roles, 'exchange.source.manage') && actor.departmentId === consumerDepartmentId;

/** The grant, if the actor may see it (consumer, provider, platform): its push or null. */
export async function getPush(ctx: AppContext, actor: Actor, grantId: string): Promise<Push | null> {
  await getGrant(ctx, actor, grantId);
  const p = await repo.pushOfGrant(ctx.db, grantId);
  return p ? toPush(ctx, p, actor) : null;
}

/** Only the consumer's specialist sets up delivery into its own database, for a 库表 grant in force. */
async function manageableGrant(ctx: AppContext, actor: Actor, grantId: string) {
  const g = await getGrant(ctx, actor, grantId);
  if (!mayManage(actor, g.consumerDepartmentId))
    throw forbidden('Only the consuming department sets up its deliveries', '只有使用部门可以配置数据推送');
  return g;
}

export async function savePush(ctx: AppContext, actor: Actor, grantId: string, input: PushInput): Promise<Push> {
  const g = await manageableGrant(ctx, actor, grantId);
  if (g.status !== 'active')
    throw conflict('EXCHANGE_PUSH_GRANT_INACTIVE', 'The grant is not in force', '该共享授权已失效，不能配置推送');
  if (g.method !== 'table')
    throw badRequest(
      'EXCHANGE_PUSH_METHOD',
      'Only a 库表 (table) grant is delivered into a database',
      '只有“库表”方式的授权可以推送到数据库',
    );
  const target = await getSource(ctx, actor, input.targetId);
  if (target.departmentId !== g.consumerDepartmentId)
    throw badRequest(
      'EXCHANGE_PUSH_TARGET',
      'The target database must be one of your department’s',
      '推送目标必须是本部门登记的数据库',
    );
  const ref = parseTableRef(input.table, target.kind, target.database);
  if (target.kind === 'mysql' && ref.schema !== target.database)
    throw badRequest(
      'EXCHANGE_PUSH_TARGET',
      `A MySQL target table lives in the source’s database ${target.database}`,
      `MySQL 目标表只能位于数据库 ${target.database} 中`,
    );
  const now = ctx.clock.now();
  await repo.savePush(ctx.db, {
    grant_id: grantId,
    entry_id: g.entryId,
    department_id: g.consumerDepartmentId,
    target_id: input.targetId,
    target_table: `${ref.schema}.${ref.name}`,
    scheduled: input.scheduled ?? true,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  });
  const p = (await repo.pushOfGrant(ctx.db, grantId))!;
  // The first delivery starts at once; later ones follow the center's loads.
  await queuePush(ctx, p.id, { startedBy: actor.userId });
  return toPush(ctx, p, actor);
}

export async function deletePush(ctx: AppContext, actor: Actor, grantId: string): Promise<void> {
  await manageableGrant(ctx, actor, grantId);
  const p = await repo.pushOfGrant(ctx.db, grantId);
  if (!p) throw notFound('Push', '数据推送配置');
  if (await repo.runningPushRun(ctx.db, p.id))
    throw conflict('EXCHANGE_RUN_BUSY', 'A push is running', '推送任务正在运行，请稍后再删除');
  await repo.deletePush(ctx.db, p.id);
}

export async function requestPush(
  ctx: AppContext,
  actor: Actor,
  grantId: string,
  mode?: 'full' | 'incremental',
): Promise<void> {
  await manageableGrant(ctx, actor, grantId);
  const p = await repo.pushOfGrant(ctx.db, grantId);
  if (!p) throw notFound('Push', '数据推送配置');
  await queuePush(ctx, p.id, { mode, startedBy: actor.userId });
}

async function queuePush(
  ctx: AppContext,
  pushId: string,
  payload: { mode?: 'full' | 'incremental'; startedBy?: string },
) {
  await scheduleJob(ctx, {
    kind: PUSH_JOB,
    runAt: ctx.clock.now(),
    payload: { pushId, ...payload },
    dedupeKey: `${PUSH_JOB}:${pushId}`,
    maxAttempts: 1,
  });
}

/** For the CLI: the push of the grant with this number. */
export async function pushIdOfGrantNo(ctx: AppContext, grantNo: string): Promise<string | null> {
  return (await repo.pushOfGrantNo(ctx.db, grantNo))?.id ?? null;
}

/** After a load of the center: every scheduled push of the entry under a grant in force follows. */
export async function queuePushesOfEntry(ctx: AppContext, entryId: string): Promise<number> {
  const pushes = await repo.scheduledPushesOfEntry(ctx.db, entryId);
  for (const p of pushes) await queuePush(ctx, p.id, {});
  return pushes.length;
}

/** The pushed table's columns: the granted items as the consumer may read them. */
function targetSpec(access: DataAccess, pgTypes: Map<string, string>, table: string) {
  return (kind: 'postgresql' | 'mysql'): TargetSpec => {
    const dot = table.indexOf('.');
    return {
      table: { schema: table.slice(0, dot), name: table.slice(dot + 1) },
      columns: access.columns.map((c): TargetColumn => ({
        name: c.column,
        type: targetColumnType(
          kind,
          { dataType: c.dataType, pgType: pgTypes.get(c.column) ?? 'text' },
          c.rule.code !== 'none',
        ),
        comment: c.rule.code === 'none' ? c.name : `${c.name}（已脱敏）`,
      })),
    };
  };
}

/** Runs (or resumes) a push on one connection that holds the push's advisory lock for the whole run. */
export async function runPush(ctx: AppContext, pushId: string, opts: PushOptions = {}): Promise<PushSummary> {
  return withLoadConnection(ctx, async (load) => {
    const c = { ...ctx, db: load.db };
    if (!(await repo.tryLockPush(load.db, pushId)))
      throw conflict('EXCHANGE_RUN_BUSY', 'A push of this grant is running', '该授权的数据推送任务正在运行');
    try {
      return await pushLocked(c, load, pushId, opts);
    } finally {
      await repo.unlockPush(load.db, pushId);
    }
  });
}

async function pushLocked(
  ctx: AppContext,
  load: LoadConnection,
  pushId: string,
  opts: PushOptions,
): Promise<PushSummary> {
  const p = await repo.findPush(ctx.db, pushId);
  if (!p) throw notFound('Push', '数据推送配置');
  const existing = await repo.runningPushRun(ctx.db, pushId);
  const now = ctx.clock.now();
  // pushed_center_run is set by a finished push only (and cleared for a new target).
  const canIncrement =
    p.pushed_center_run !== null && !(await repo.rowsRemovedSince(ctx.db, p.entry_id, p.pushed_center_run));
  const run =
    existing ??
    (await repo.insertPushRun(ctx.db, {
      push_id: pushId,
      mode: opts.mode === 'full' || !canIncrement ? 'full' : 'incremental',
      status: 'running',
      started_at: now,
      heartbeat_at: now,
      center_run: await repo.centerWatermark(ctx.db, p.entry_id),
      started_by: opts.startedBy ?? null,
    }));
  try {
    // Checked at every run: a revoked or expired grant stops the deliveries.
    const access = await resolveAccess(ctx, { departmentId: p.department_id, roles: [] }, p.entry_code, 'push');
    const managed = await center.findManaged(ctx.db, p.entry_id);
    const pgTypes = new Map((managed?.columns ?? []).map((c) => [c.column, c.pgType]));
    return await deliver(ctx, load, { p, run, resumed: !!existing, access, pgTypes }, opts);
  } catch (e) {
    await repo.updatePushRun(ctx.db, run.id, {
      status: 'failed',
      finished_at: ctx.clock.now(),
      error: e instanceof Error ? e.message.slice(0, 2000) : String(e),
    });
    throw e;
  }
}

/** One batch on its way to the target: rows, or COPY text lines where both ends are PostgreSQL. */
interface PushBatch {
  rows: number;
  data: TargetRow[] | Buffer;
  batch: number;
  /** The row key of its last row. */
  key: string;
}

interface Delivery {
  p: repo.PushRow;
  run: repo.PushRunRow;
  resumed: boolean;
  access: DataAccess;
  pgTypes: Map<string, string>;
}

async function deliver(ctx: AppContext, load: LoadConnection, d: Delivery, opts: PushOptions): Promise<PushSummary> {
  const { p, run, access } = d;
  const grant = access.grant!;
  const batchSize = opts.batchSize ?? PUSH_BATCH;
  const columns = access.columns.map((col) => col.column);
  const started = Date.now();
  let written = Number(run.rows_written);
  const writtenAtStart = written;
  let checkpoint: PushCheckpoint | null = run.checkpoint;
  return withSourceTarget(ctx, p.target_id, targetSpec(access, d.pgTypes, p.target_table), async (target) => {
    let mode = run.mode;
    if (mode === 'incremental' && !(await target.matches())) {
      // The table was dropped or the grant's items changed: only a full push rebuilds it.
      mode = 'full';
      await repo.updatePushRun(ctx.db, run.id, { mode });
    }
    const total = mode === 'full' ? await center.countRows(ctx.db, access.table) : null;
    if (total !== null && run.source_rows === null) await repo.updatePushRun(ctx.db, run.id, { source_rows: total });
    if (mode === 'full' && !(await target.openStage(checkpoint?.batch ?? null)) && checkpoint) {
      // The stage of the interrupted run is gone (dropped by hand): the run starts over.
      checkpoint = null;
      written = 0;
      await repo.updatePushRun(ctx.db, run.id, { rows_written: 0, checkpoint: null });
    }
    const since = mode === 'incremental' ? p.pushed_center_run : null;
    const progress = (): PushProgress => {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? (written - writtenAtStart) / seconds : 0;
      return {
        runId: run.id,
        mode,
        written,
        total,
        rowsPerSecond: Math.round(rate),
        etaSeconds: total !== null && rate > 0 ? Math.max(0, Math.round((total - written) / rate)) : null,
        resumed: d.resumed,
      };
    };
    // Rows are [key, ...columns]: the masked ones get their rule's masker, the rest pass as read.
    const maskers = access.columns.flatMap((c, i) =>
      c.rule.code === 'none' ? [] : [{ at: i + 1, mask: compileRule(c.rule) }],
    );
    // A full push between two PostgreSQL databases moves COPY text, decoding only the masked fields.
    const copying = mode === 'full' && target.copies && load.copyOut !== undefined;
    async function* batches(after: string | null, firstBatch: number): AsyncGenerator<PushBatch> {
      if (copying) {
        const stream = await load.copyOut!(access.table, columns, after);
        try {
          for await (const b of maskedBatches(stream, maskers, firstBatch, batchSize))
            yield { rows: b.rows, data: b.text, batch: b.batch, key: b.lastKey };
        } finally {
          stream.destroy();
        }
        return;
      }
      const read = (from: string | null) => load.readPage(access.table, columns, from, since, batchSize);
      let pending: Promise<unknown[][]> | null = read(after);
      try {
        for (let batch = firstBatch; pending; batch++) {
          const values: TargetRow[] = await pending;
          pending = null;
          if (!values.length) return;
          const key = String(values[values.length - 1]![0]);
          // The next page is read from the center while this one is masked and written.
          if (values.length === batchSize) pending = read(key);
          for (const r of values)
            for (const m of maskers) if (r[m.at] !== null && r[m.at] !== undefined) r[m.at] = m.mask(maskText(r[m.at]));
          yield { rows: values.length, data: values, batch, key };
        }
      } finally {
        await pending?.catch(() => undefined);
      }
    }
    // A full push writes windows of batches through one COPY; the checkpoint moves once the target
    // has committed a window. The next batch is prepared while this one is written.
    const stage = mode === 'full' ? target.stageWriter() : null;
    let windowRows = 0;
    let windowEnd: PushCheckpoint | null = null;
    const commitWindow = async () => {
      if (!windowEnd) return;
      await stage?.end();
      await repo.advancePushRun(ctx.db, run.id, windowRows, windowEnd, ctx.clock.now());
      checkpoint = windowEnd;
      windowRows = 0;
      windowEnd = null;
    };
    const iterator = batches(checkpoint?.key ?? null, (checkpoint?.batch ?? 0) + 1);
    try {
      let next = await iterator.next();
      while (!next.done) {
        const b = next.value;
        const coming = iterator.next();
        // Settled below; a failed write must not leave it unhandled meanwhile.
        coming.catch(() => {});
        if (stage) await stage.write(b.data, b.batch);
        else await target.upsert(b.data as TargetRow[]);
        windowRows += b.rows;
        windowEnd = { key: b.key, batch: b.batch };
        if (!stage || b.batch % WINDOW_BATCHES === 0) await commitWindow();
        written += b.rows;
        opts.onProgress?.(progress());
        next = await coming;
      }
      await commitWindow();
    } catch (e) {
      stage?.abort(e);
      throw e;
    } finally {
      await iterator.return(undefined).catch(() => undefined);
    }
    const stamp = deliveryStamp(grant);
    if (mode === 'full') await target.swapStage(`${grant.entryName}（${grant.entryCode}）· ${stamp.notice}`);
    const targetRows = await target.count();
    const centerRows = total ?? (await center.countRows(ctx.db, access.table));
    const reconciliation = { centerRows, targetRows, match: centerRows === targetRows };
    return finish(ctx, { run, p, grantNo: grant.no, reconciliation, fields: access.columns }, { ...progress(), mode });
  });
}

interface Finishing {
  run: repo.PushRunRow;
  p: repo.PushRow;
  grantNo: string;
  reconciliation: PushSummary['reconciliation'];
  fields: DataAccess['columns'];
}

async function finish(ctx: AppContext, f: Finishing, progress: PushProgress): Promise<PushSummary> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await repo.updatePushRun(trx, f.run.id, {
      status: 'done',
      finished_at: now,
      heartbeat_at: now,
      reconciliation: JSON.stringify(f.reconciliation),
    });
    await repo.updatePush(trx, f.p.id, { pushed_center_run: f.run.center_run, updated_at: now });
    // the delivery is recorded as sharing, under the grant, with its row count and the masked items.
    await recordSystemAudit({ ...ctx, db: trx }, 'job-runner', {
      category: 'share',
      // Spelled out, not built from the mode: every action code is findable and labelled (src/shared/audit/actions.ts).
      action: progress.mode === 'full' ? 'exchange.push.full' : 'exchange.push.incremental',
      targetType: 'catalog_entry',
      targetId: f.p.entry_id,
      consumerDepartmentId: f.p.department_id,
      rowCount: progress.written,
      detail: {
        runId: f.run.id,
        grantNo: f.grantNo,
        department: f.p.department_id,
        target: `${f.p.target_name}:${f.p.target_table}`,
        masked: f.fields.filter((c) => c.rule.code !== 'none').map((c) => c.column),
        reconciliation: f.reconciliation,
      },
    });
    return { ...progress, grantNo: f.grantNo, reconciliation: f.reconciliation };
  });
}
