import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest, forbidden, notFound } from '../../platform/errors';
import { scheduleJob } from '../../platform/jobs/service';
import type { DataType, UpdateCycle } from '../../../shared/catalog/enums';
import { publishedVersionOf } from '../catalog';
import { ensureManagedTable, managedColumns } from './center-service';
import { suggestColumnMapping } from './mapping';
import * as repo from './pull-repo';
import { getSource, parseTableRef, useSource } from './sources-service';
import type { Binding, BindingInput, Run } from './pull-schemas';
import { inScope, scopeOf } from '../../platform/rbac/scope';

/** which source table feeds an entry's managed table, and running that pull. */

export const PULL_JOB = 'exchange.pull';

const toBinding = (b: repo.BindingRow): Binding => ({
  id: b.id,
  entryId: b.entry_id,
  sourceId: b.source_id,
  table: `${b.source_schema}.${b.source_table}`,
  keyColumns: b.key_columns,
  watermarkColumn: b.watermark_column,
  columnMap: b.column_map.map((m) => ({ column: m.fieldName, sourceColumn: m.sourceColumn })),
  scheduled: b.scheduled,
  updatedAt: b.updated_at.toISOString(),
});

export const toRun = (r: repo.RunRow): Run => ({
  id: r.id,
  mode: r.mode,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  sourceRows: r.source_rows === null ? null : Number(r.source_rows),
  rowsRead: Number(r.rows_read),
  rowsWritten: Number(r.rows_written),
  rowsDeleted: Number(r.rows_deleted),
  reconciliation: (r.reconciliation as Run['reconciliation']) ?? null,
  error: r.error,
});

/** Only the providing department (its specialist) or the platform configures an entry's exchange. */
export async function ownEntry(ctx: AppContext, actor: Actor, entryId: string) {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!inScope(scopeOf(actor, 'exchange.entry.manage'), v.providerDepartmentId)) {
    throw forbidden('Only the providing department configures its exchange', '只有资源提供部门可以配置数据汇聚');
  }
  return v;
}

/**
 * Binds an entry to a table of one of its department's sources. Key, watermark and mapped columns
 * must exist in the source table; without a column map the suggestion (field names, comments,
 * similar names, compatible types) is taken.
 */
export async function saveBinding(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: BindingInput,
): Promise<Binding> {
  const v = await ownEntry(ctx, actor, entryId);
  const source = await getSource(ctx, actor, input.sourceId);
  if (source.departmentId !== v.providerDepartmentId)
    throw badRequest(
      'EXCHANGE_SOURCE_DEPARTMENT',
      'The source belongs to another department',
      '数据源不属于该资源的提供部门',
    );
  const ref = parseTableRef(input.table, source.kind, source.database);
  const sourceColumns = await useSource(ctx, actor, input.sourceId, (c) => c.describe(ref));
  const names = new Set(sourceColumns.map((c) => c.name));
  const managed = managedColumns(v);
  const map =
    input.columnMap ??
    suggestColumnMapping(
      sourceColumns,
      v.items.map((i, k) => ({
        id: i.id,
        name: i.name,
        fieldName: managed[k]!.column,
        dataType: i.dataType as DataType,
      })),
    )
      .filter((s) => s.column)
      .map((s) => ({ column: s.fieldName, sourceColumn: s.column! }));
  const problems = [
    ...input.keyColumns
      .filter((k) => !names.has(k))
      .map((k) => ({ field: 'keyColumns', message: `No column ${k}`, messageZh: `源表中没有字段 ${k}` })),
    ...(input.watermarkColumn && !names.has(input.watermarkColumn)
      ? [
          {
            field: 'watermarkColumn',
            message: `No column ${input.watermarkColumn}`,
            messageZh: `源表中没有字段 ${input.watermarkColumn}`,
          },
        ]
      : []),
    ...map
      .filter((m) => !names.has(m.sourceColumn))
      .map((m) => ({
        field: 'columnMap',
        message: `No column ${m.sourceColumn}`,
        messageZh: `源表中没有字段 ${m.sourceColumn}`,
      })),
    ...map
      .filter((m) => !managed.some((c) => c.column === m.column))
      .map((m) => ({
        field: 'columnMap',
        message: `No data item column ${m.column}`,
        messageZh: `信息项中没有字段 ${m.column}`,
      })),
  ];
  if (!map.length)
    problems.push({
      field: 'columnMap',
      message: 'No source column maps to a data item',
      messageZh: '没有可对应到信息项的源字段',
    });
  if (problems.length)
    throw badRequest('EXCHANGE_BINDING_INVALID', problems[0]!.message, problems[0]!.messageZh, { problems });
  await ensureManagedTable(ctx, entryId);
  const now = ctx.clock.now();
  await repo.saveBinding(ctx.db, {
    entry_id: entryId,
    source_id: input.sourceId,
    source_schema: ref.schema,
    source_table: ref.name,
    key_columns: input.keyColumns,
    watermark_column: input.watermarkColumn ?? null,
    column_map: JSON.stringify(
      map.map((m) => ({
        itemId: managed.find((c) => c.column === m.column)!.itemId,
        fieldName: m.column,
        sourceColumn: m.sourceColumn,
      })),
    ),
    scheduled: input.scheduled ?? true,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  });
  return getBinding(ctx, actor, entryId);
}

export async function getBinding(ctx: AppContext, actor: Actor, entryId: string): Promise<Binding> {
  await ownEntry(ctx, actor, entryId);
  const b = await repo.bindingOfEntry(ctx.db, entryId);
  if (!b) throw notFound('Exchange binding', '数据汇聚配置');
  return toBinding(b);
}

/** The binding of an entry, for the platform's own callers (CLI, scheduler). */
export const bindingOfEntry = (ctx: AppContext, entryId: string) => repo.bindingOfEntry(ctx.db, entryId);

/** Queues a pull now (the job runner runs it); returns at once. */
export async function requestPull(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  mode?: 'full' | 'incremental',
): Promise<void> {
  await ownEntry(ctx, actor, entryId);
  const b = await repo.bindingOfEntry(ctx.db, entryId);
  if (!b) throw notFound('Exchange binding', '数据汇聚配置');
  await scheduleJob(ctx, {
    kind: PULL_JOB,
    runAt: ctx.clock.now(),
    payload: { bindingId: b.id, mode, startedBy: actor.userId },
    dedupeKey: `${PULL_JOB}:${b.id}`,
    maxAttempts: 1,
  });
}

export async function listRuns(ctx: AppContext, actor: Actor, entryId: string): Promise<Run[]> {
  await ownEntry(ctx, actor, entryId);
  return (await repo.runsOfEntry(ctx.db, entryId, 20)).map(toRun);
}

const HOUR = 3600_000;
/** How often a scheduled pull runs for each 更新周期; 不定期 entries are pulled on demand only. */
export const PULL_INTERVAL_MS: Record<UpdateCycle, number | null> = {
  realtime: HOUR / 6,
  daily: 24 * HOUR,
  weekly: 7 * 24 * HOUR,
  monthly: 30 * 24 * HOUR,
  quarterly: 91 * 24 * HOUR,
  semiannual: 182 * 24 * HOUR,
  yearly: 365 * 24 * HOUR,
  irregular: null,
};

/** Periodic task: queues a pull for every scheduled binding whose update cycle has come round. */
export async function schedulePulls(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now().getTime();
  let queued = 0;
  for (const b of await repo.scheduledBindings(ctx.db)) {
    if (Number(b.running) > 0) continue;
    const v = await publishedVersionOf(ctx, b.entry_id);
    const every = v ? PULL_INTERVAL_MS[v.updateCycle as UpdateCycle] : null;
    const last = b.last_done ? new Date(b.last_done).getTime() : null;
    if (every === null || every === undefined || (last !== null && now - last < every)) continue;
    const { created } = await scheduleJob(ctx, {
      kind: PULL_JOB,
      runAt: ctx.clock.now(),
      payload: { bindingId: b.id },
      dedupeKey: `${PULL_JOB}:${b.id}`,
      maxAttempts: 1,
    });
    if (created) queued++;
  }
  return queued;
}
