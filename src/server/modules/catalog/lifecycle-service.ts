import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { badRequest, forbidden } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { can } from '../../platform/rbac/permissions';
import { applyApprovedChange } from './changes-service';
import type { EntryVersion, VersionRow } from './entries-schemas';
import { requireOwnDepartment } from './entries-access';
import { reviewQueue as queueRows } from './entries-repo';
import { publishVersion } from './lifecycle-publish';
import * as repo from './versions-repo';
import { expectStatus, loadVersion } from './versions-service';
import { toVersionRow, type CatalogActor } from './versions-model';
import { consoleLink } from '../../../shared/console';

/**
 * R-03 review steps: the department's reviewer (dept_leader) and then the platform administrator
 * decide; a return needs a reason, which the department sees. Every decision is a catalog_review row.
 */

export interface Decision {
  decision: 'approve' | 'reject';
  reason?: string | null;
}

function reasonOf(d: Decision): string | null {
  const reason = d.reason?.trim() || null;
  if (d.decision === 'reject' && !reason) {
    throw badRequest('CATALOG_REJECT_REASON_REQUIRED', 'A return needs a reason', '退回须填写理由', {
      field: 'reason',
    });
  }
  return reason;
}

const WHAT = { create: '目录', update: '目录变更', delete: '目录删除申请' } as const;

/** Locks the version, checks its status and records the decision; returns it as it was before. */
async function decide(
  ctx: AppContext,
  actor: CatalogActor,
  id: string,
  step: 'dept' | 'platform',
  d: Decision,
  reason: string | null,
): Promise<EntryVersion> {
  const v = await loadVersion(ctx, actor, id);
  if (step === 'dept') requireOwnDepartment(actor, v.providerDepartmentId);
  const locked = await repo.lockVersion(ctx.db, id);
  expectStatus(
    locked?.status,
    step === 'dept' ? 'dept_review' : 'platform_review',
    step === 'dept' ? '部门审核' : '平台审核',
  );
  await repo.insertReview(ctx.db, {
    version_id: id,
    step,
    decision: d.decision,
    reason,
    actor_id: actor.userId,
    at: ctx.clock.now(),
  });
  return v;
}

async function returnToDepartment(
  ctx: AppContext,
  v: EntryVersion,
  step: 'dept' | 'platform',
  reason: string,
): Promise<void> {
  await repo.updateVersion(ctx.db, v.id, { status: 'rejected', rejection_reason: reason, updated_at: ctx.clock.now() });
  await notify(
    ctx,
    { role: 'dept_specialist', departmentId: v.providerDepartmentId },
    {
      kind: 'catalog.review.rejected',
      title: `${WHAT[v.changeKind]}被${step === 'dept' ? '部门审核' : '平台审核'}退回：${v.name}`,
      body: reason,
      link: consoleLink(`/catalog/entries/${v.entryId}`),
      payload: { versionId: v.id, step },
    },
  );
}

/** Department review: approve → platform review (the platform administrators hear of it); reject → back with the reason. */
export async function deptReview(ctx: AppContext, actor: CatalogActor, id: string, d: Decision): Promise<EntryVersion> {
  const reason = reasonOf(d);
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const v = await decide(t, actor, id, 'dept', d, reason);
    if (d.decision === 'reject') return returnToDepartment(t, v, 'dept', reason!);
    await repo.updateVersion(db, id, { status: 'platform_review', updated_at: ctx.clock.now() });
    await notify(
      t,
      { role: 'platform_admin' },
      {
        kind: 'catalog.review.requested',
        title: `待平台审核：${v.name}（${v.providerDepartmentName}，${WHAT[v.changeKind]}）`,
        link: consoleLink(`/catalog/entries/${v.entryId}`),
        payload: { versionId: id, step: 'platform' },
      },
    );
  });
  return loadVersion(ctx, actor, id);
}

/**
 * Platform review: reject → back to the department; approve a new entry → published; approve a
 * change or deletion → published now or, when it affects consumers, announced and scheduled.
 */
export async function platformReview(
  ctx: AppContext,
  actor: CatalogActor,
  id: string,
  d: Decision,
): Promise<EntryVersion> {
  const reason = reasonOf(d);
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const v = await decide(t, actor, id, 'platform', d, reason);
    if (d.decision === 'reject') return returnToDepartment(t, v, 'platform', reason!);
    if (v.changeKind === 'create') {
      await repo.updateVersion(db, id, { approved_at: ctx.clock.now() });
      await publishVersion(t, id);
    } else {
      await applyApprovedChange(t, v);
    }
  });
  return loadVersion(ctx, actor, id);
}

/** What waits for the actor's decision: the department step for their own department, the platform step for admins. */
export async function reviewQueue(
  ctx: AppContext,
  actor: CatalogActor,
  step: 'dept' | 'platform',
  limit: number,
  offset: number,
): Promise<{ items: VersionRow[]; total: number }> {
  if (!can(actor.roles, step === 'dept' ? 'catalog.dept_review' : 'catalog.platform_review')) {
    throw forbidden('You do not review at this step', '您不负责该环节的审核');
  }
  const { rows, total } = await queueRows(ctx.db, step, actor.departmentId, limit, offset);
  return { items: rows.map(toVersionRow), total };
}
