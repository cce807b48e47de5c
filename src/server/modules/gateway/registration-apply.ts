import type { AppContext } from '../../app-context';
import type { GwOperation, RetiringOperation } from '../../db/types';
import { oneMonthAfter, shanghaiDate } from '../../platform/calendar/dates';
import { notify } from '../../platform/notify/service';
import type { EntryVersion } from '../catalog';
import { activeGrantDepartments } from '../sharing';
import * as repo from './upstreams-repo';

/**
 * A registration as the provider saved it: gw_upstream's columns but the bookkeeping ones (revision,
 * retiring, who and when). Kept whole in a pending revision until the platform approves it.
 */
export interface Registration {
  base_url: string;
  spec_kind: 'openapi' | 'wsdl';
  spec: string | null;
  operations: GwOperation[];
  auth_kind: 'none' | 'header' | 'token';
  auth_config: Record<string, string>;
  /** Sealed (upstream-secret.ts), never the secret itself. */
  auth_secret: string | null;
  health_path: string | null;
  timeout_ms: number;
  max_request_bytes: number;
  max_response_bytes: number;
  calls_per_minute: number;
  daily_call_quota: number;
}

/** The operations a registration takes away from the one stored. */
export function removedBy(stored: repo.UpstreamRow | undefined, reg: Registration): GwOperation[] {
  const kept = new Set(reg.operations.map((o) => o.id));
  return (stored?.operations ?? []).filter((o) => !kept.has(o.id));
}

/**
 * Makes a registration the upstream's current one, as revision `revision`: a new one (written here),
 * or the pending one the platform approved (its row the caller marks applied). R-07: with grants held, an operation taken away is still answered for a
 * month from now, and the holders hear of it now.
 */
export async function applyRegistration(
  ctx: AppContext,
  v: EntryVersion,
  stored: repo.UpstreamRow | undefined,
  reg: Registration,
  meta: { revision: number; by: string; pending: boolean },
): Promise<{ removed: string[] }> {
  const now = ctx.clock.now();
  const removed = removedBy(stored, reg);
  const holders = removed.length ? await activeGrantDepartments(ctx, v.entryId) : [];
  const kept = new Set(reg.operations.map((o) => o.id));
  const retireAt = oneMonthAfter(now).toISOString();
  const retiring: RetiringOperation[] = [
    ...(stored?.retiring ?? []).filter((r) => new Date(r.retireAt) > now && !kept.has(r.id)),
    ...(holders.length ? removed.map((o) => ({ ...o, retireAt })) : []),
  ];
  const columns = {
    ...reg,
    base_url: reg.base_url.replace(/\/+$/, ''),
    operations: JSON.stringify(reg.operations),
    auth_config: JSON.stringify(reg.auth_config),
    retiring: JSON.stringify(retiring),
    revision: meta.revision,
    updated_at: now,
    updated_by: meta.by,
  };
  if (stored) await repo.updateUpstream(ctx.db, v.entryId, columns);
  else await repo.insertUpstream(ctx.db, { entry_id: v.entryId, created_at: now, ...columns });
  if (!meta.pending)
    await repo.insertRevision(ctx.db, {
      entry_id: v.entryId,
      revision: meta.revision,
      base_url: columns.base_url,
      operations: columns.operations,
      removed: removed.map((o) => o.id),
      saved_at: now,
      saved_by: meta.by,
      entry_version_no: v.versionNo,
    });
  if (holders.length) await tellGrantHolders(ctx, v, holders, removed, retireAt);
  return { removed: removed.map((o) => o.id) };
}

/** R-07 (Art 9): the departments holding grants hear a month ahead which operations go, and when. */
async function tellGrantHolders(
  ctx: AppContext,
  v: EntryVersion,
  departments: string[],
  removed: GwOperation[],
  retireAt: string,
): Promise<void> {
  const ids = removed.map((o) => o.id);
  const day = shanghaiDate(new Date(retireAt));
  for (const departmentId of departments)
    for (const role of ['dept_specialist', 'dept_leader'] as const)
      await notify(
        ctx,
        { role, departmentId },
        {
          kind: 'gateway.operations.removed',
          title: `服务接口操作将于 ${day} 下线：${v.name}（${ids.join('、')}）`,
          body: `Operations of ${v.code} end on ${day}: ${ids.join(', ')}`,
        },
      );
}
