import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { GwOperation } from '../../db/types';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { can } from '../../platform/rbac/permissions';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { publishedVersionOf, type EntryVersion } from '../catalog';
import { consoleLink } from '../../../shared/console';
import { applyRegistration, type Registration } from './registration-apply';
import type { PendingChange } from './schemas';
import * as repo from './upstreams-repo';

/**
 * R-07 (Art 9) for service registrations: a save that takes operations away from departments holding
 * grants does not apply when saved. It waits, whole, for the platform's review (one at a time per
 * entry); approved, it applies then — the operations still answered a month from that day and the
 * holders told — and rejected or withdrawn, nothing of it applies. The decision stays on the revision.
 */

const entryLink = (entryId: string) => consoleLink(`/catalog/entries/${entryId}`);

const asPending = (r: NonNullable<Awaited<ReturnType<typeof repo.pendingRevision>>>): PendingChange => ({
  entryId: r.entry_id,
  revision: r.revision,
  operations: r.operations.map((o) => o.id),
  removed: r.removed,
  savedAt: r.saved_at.toISOString(),
  savedBy: r.saved_by_name ?? null,
});

export async function pendingChangeOf(ctx: AppContext, entryId: string): Promise<PendingChange | null> {
  const r = await repo.pendingRevision(ctx.db, entryId);
  return r ? asPending(r) : null;
}

/** Refuses a save while a change of the entry waits for review: the provider withdraws it first. */
export async function assertNonePending(ctx: AppContext, entryId: string): Promise<void> {
  if (await repo.pendingRevision(ctx.db, entryId))
    throw conflict(
      'GATEWAY_CHANGE_PENDING',
      'A change of this service waits for platform review; withdraw it before saving another',
      '该服务接口有一项变更正在等待平台审核，请先撤回再保存新的变更',
    );
}

/** Keeps an impacting save as the pending revision and asks the platform to review it. */
export async function submitForReview(
  ctx: AppContext,
  v: EntryVersion,
  reg: Registration,
  removed: GwOperation[],
  by: string,
): Promise<void> {
  const ids = removed.map((o) => o.id);
  await repo.insertRevision(ctx.db, {
    entry_id: v.entryId,
    revision: await repo.nextRevision(ctx.db, v.entryId),
    base_url: reg.base_url,
    operations: JSON.stringify(reg.operations),
    removed: ids,
    saved_at: ctx.clock.now(),
    saved_by: by,
    entry_version_no: v.versionNo,
    status: 'pending',
    proposed: JSON.stringify(reg),
  });
  await notify(
    ctx,
    { role: 'platform_admin' },
    {
      kind: 'gateway.change.review',
      title: `服务接口变更待审核：${v.name}（${v.code}）拟下线 ${ids.join('、')}`,
      body: `${v.providerDepartmentName}: operations ${ids.join(', ')} would end for departments holding grants`,
      link: entryLink(v.entryId),
    },
  );
}

/** The platform's list of changes waiting for review, with their entries. */
export async function listPendingChanges(ctx: AppContext, actor: Actor, limit: number, offset: number) {
  requireReviewer(actor);
  const [rows, total] = await Promise.all([repo.pendingRevisions(ctx.db, limit, offset), repo.countPending(ctx.db)]);
  const items = await Promise.all(
    rows.map(async (r) => {
      const v = await publishedVersionOf(ctx, r.entry_id);
      return {
        ...asPending(r),
        entryName: v?.name ?? '—',
        entryCode: v?.code ?? '—',
        providerDepartmentName: v?.providerDepartmentName ?? '—',
      };
    }),
  );
  return { items, total };
}

function requireReviewer(actor: Actor): void {
  if (!can(actor.roles, 'gateway.change.review'))
    throw forbidden('Only the platform reviews service changes', '只有平台管理员可以审核服务接口变更');
}

/**
 * The platform's decision on the pending change of an entry. Approve applies it now (the month's notice
 * runs from today); reject needs a reason. The provider's specialists hear either way.
 */
export async function reviewChange(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  decision: { approve: boolean; note?: string | null },
): Promise<PendingChange & { entryCode: string; status: 'applied' | 'rejected' }> {
  requireReviewer(actor);
  const note = decision.note?.trim() || null;
  if (!decision.approve && !note)
    throw badRequest('GATEWAY_REVIEW_REASON_REQUIRED', 'Give the reason for the rejection', '请填写退回理由', {
      field: 'note',
    });
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  return inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const stored = await repo.lockUpstream(db, entryId);
    const pending = await repo.pendingRevision(db, entryId);
    if (!stored || !pending?.proposed) throw notFound('Pending service change', '待审核的服务接口变更');
    const reviewed = { reviewed_by: actor.userId, reviewed_at: ctx.clock.now(), review_note: note };
    let removed = pending.removed;
    if (decision.approve) {
      const reg = pending.proposed as unknown as Registration;
      ({ removed } = await applyRegistration(t, v, stored, reg, {
        revision: pending.revision,
        by: actor.userId,
        pending: true,
      }));
      await repo.settleRevision(db, entryId, pending.revision, { status: 'applied', removed, ...reviewed });
    } else await repo.settleRevision(db, entryId, pending.revision, { status: 'rejected', ...reviewed });
    await notify(
      t,
      { role: 'dept_specialist', departmentId: v.providerDepartmentId },
      {
        kind: decision.approve ? 'gateway.change.approved' : 'gateway.change.rejected',
        title: decision.approve
          ? `服务接口变更已通过平台审核：${v.name}（第 ${pending.revision} 版）`
          : `服务接口变更被平台退回：${v.name}（第 ${pending.revision} 版）：${note}`,
        body: note ?? undefined,
        link: entryLink(entryId),
      },
    );
    return { ...asPending(pending), entryCode: v.code, removed, status: decision.approve ? 'applied' : 'rejected' };
  });
}

/** The provider takes its pending change back; the registration stays as it is. */
export async function withdrawChange(ctx: AppContext, actor: Actor, entryId: string): Promise<void> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!inScope(scopeOf(actor, 'gateway.upstream.manage'), v.providerDepartmentId))
    throw forbidden('Only the providing department withdraws its change', '只有资源提供部门可以撤回其变更');
  const pending = await repo.pendingRevision(ctx.db, entryId);
  if (!pending) throw notFound('Pending service change', '待审核的服务接口变更');
  await repo.settleRevision(ctx.db, entryId, pending.revision, { status: 'withdrawn' });
}
