import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { oneMonthAfter } from '../../platform/calendar/dates';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { recordSystemAudit } from '../../platform/audit/service';
import { publish } from '../../platform/events';
import { grantHoldersOf } from './consumers';
import { notify } from '../../platform/notify/service';
import type { EntryVersion } from './entries-schemas';
import { requireOwnDepartment } from './entries-access';
import { findEntry, lockEntry } from './entries-repo';
import { insertVersionWithItems, versionAsInput } from './entries-service';
import { normaliseEntry } from '../../../shared/catalog/rules';
import { assessImpact, impactSummaryZh, type Impact } from './impact';
import { publishVersion } from './lifecycle-publish';
import * as repo from './changes-repo';
import { subscriberDepartments } from './subscriptions-repo';
import * as versions from './versions-repo';
import { loadVersion, moveToDeptReview } from './versions-service';
import { viewerOf, type CatalogActor } from './versions-model';
import { consoleLink } from '../../../shared/console';

/**
 * R-07 (Art 9): a published version never changes; a change or deletion is a new version that goes
 * through review, and one that affects consumers is announced a calendar month before it applies.
 */

/** Departments using an entry, who hear of its changes: its subscribers and the holders of an active grant. */
export async function consumersOf(ctx: AppContext, entryId: string): Promise<string[]> {
  const [subscribers, grantees] = await Promise.all([
    subscriberDepartments(ctx.db, entryId),
    grantHoldersOf(ctx, entryId),
  ]);
  return [...new Set([...subscribers, ...grantees])];
}

async function startVersion(
  ctx: AppContext,
  actor: CatalogActor,
  entryId: string,
  kind: 'update' | 'delete',
  note: string | null,
): Promise<EntryVersion> {
  const entry = await findEntry(ctx.db, entryId, viewerOf(actor));
  if (!entry) throw notFound('Catalog entry', '信息资源目录');
  requireOwnDepartment(actor, entry.provider_department_id);
  if (entry.status !== 'published' || !entry.current_version_id) {
    throw conflict(
      'CATALOG_ENTRY_NOT_PUBLISHED',
      'Only a published entry can be changed or deleted',
      '只有已发布的信息资源可以变更或删除',
    );
  }
  const current = await loadVersion(ctx, null, entry.current_version_id);
  const id = await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    await lockEntry(db, entryId);
    if (await versions.openVersion(db, entryId)) {
      throw conflict(
        'CATALOG_CHANGE_IN_PROGRESS',
        'This entry already has a version in progress',
        '该信息资源已有正在办理的版本，请先完成或撤回',
      );
    }
    const now = ctx.clock.now();
    const vid = await insertVersionWithItems(db, normaliseEntry(versionAsInput(current)), {
      entry_id: entryId,
      version_no: (await versions.maxVersionNo(db, entryId)) + 1,
      change_kind: kind,
      status: 'draft',
      change_note: note,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    // A deletion has nothing to edit: it goes to the department's reviewers at once.
    if (kind === 'delete')
      await moveToDeptReview(t, {
        id: vid,
        entryId,
        name: current.name,
        changeKind: kind,
        providerDepartmentId: entry.provider_department_id,
      });
    return vid;
  });
  return loadVersion(ctx, actor, id);
}

/** A draft of version N+1, a copy of the published one, for the department to edit and submit. */
export const startChange = (ctx: AppContext, actor: CatalogActor, entryId: string, changeNote?: string | null) =>
  startVersion(ctx, actor, entryId, 'update', changeNote?.trim() || null);

/** A deletion request (version N+1 with change kind delete), submitted to department review on creation. */
export function requestDeletion(
  ctx: AppContext,
  actor: CatalogActor,
  entryId: string,
  reason: string,
): Promise<EntryVersion> {
  const r = reason.trim();
  if (!r)
    throw badRequest('CATALOG_DELETION_REASON_REQUIRED', 'Give the reason for the deletion', '请填写删除理由', {
      field: 'reason',
    });
  return startVersion(ctx, actor, entryId, 'delete', r);
}

/** Withdraws a change or deletion that is a draft or was returned, so another can start. */
export async function withdrawVersion(ctx: AppContext, actor: CatalogActor, id: string): Promise<EntryVersion> {
  const v = await loadVersion(ctx, actor, id);
  requireOwnDepartment(actor, v.providerDepartmentId);
  if (v.changeKind === 'create' || !['draft', 'rejected'].includes(v.status)) {
    throw conflict(
      'CATALOG_VERSION_NOT_WITHDRAWABLE',
      'Only a change or deletion that is a draft or was returned can be withdrawn',
      '只有草稿或已退回的变更、删除申请可以撤回',
    );
  }
  await versions.updateVersion(ctx.db, id, { status: 'withdrawn', updated_at: ctx.clock.now() });
  return loadVersion(ctx, actor, id);
}

async function notifyConsumers(
  ctx: AppContext,
  entryId: string,
  notice: { kind: string; title: string; body?: string; payload?: Record<string, unknown> },
): Promise<number> {
  let n = 0;
  for (const departmentId of await consumersOf(ctx, entryId)) {
    for (const role of ['dept_specialist', 'dept_user'] as const) {
      n += await notify(ctx, { role, departmentId }, { ...notice, link: consoleLink(`/catalog/entries/${entryId}`) });
    }
  }
  return n;
}

/**
 * Platform approval of a change or deletion (inside the review transaction). Without consumer
 * impact it publishes now; with impact it is announced and scheduled a calendar month ahead.
 * Either way the version records the decision in its impact.
 */
export async function applyApprovedChange(ctx: AppContext, v: EntryVersion): Promise<Impact> {
  const entry = await findEntry(ctx.db, v.entryId);
  if (!entry?.current_version_id) throw new Error(`entry ${v.entryId} has no published version`);
  const current = await loadVersion(ctx, null, entry.current_version_id);
  const impact = assessImpact(current, v, v.changeKind === 'delete' ? 'delete' : 'update');
  const now = ctx.clock.now();
  if (!impact.impacting) {
    await versions.updateVersion(ctx.db, v.id, { impact: JSON.stringify(impact), approved_at: now, updated_at: now });
    await publishVersion(ctx, v.id);
    return impact;
  }
  const effectiveAt = oneMonthAfter(now);
  await versions.updateVersion(ctx.db, v.id, {
    status: 'scheduled',
    impact: JSON.stringify(impact),
    approved_at: now,
    effective_at: effectiveAt,
    updated_at: now,
  });
  const noticeId = await repo.insertNotice(ctx.db, {
    entry_id: v.entryId,
    version_id: v.id,
    impact: JSON.stringify(impact),
    notified_at: now,
    effective_at: effectiveAt,
  });
  const date = effectiveAt.toISOString().slice(0, 10);
  const what = v.changeKind === 'delete' ? '删除' : '变更';
  const recipients = await notifyConsumers(ctx, v.entryId, {
    kind: 'catalog.change.notice',
    title: `目录${what}通知：${current.name}（${entry.code}）将于${date}起${what}`,
    body: impactSummaryZh(impact),
    payload: { versionId: v.id, noticeId, effectiveAt: effectiveAt.toISOString() },
  });
  await repo.setNoticeRecipients(ctx.db, noticeId, recipients);
  await publish(ctx, 'catalog.change.noticed', {
    entryId: v.entryId,
    versionId: v.id,
    noticeId,
    changeKind: v.changeKind === 'delete' ? 'delete' : 'update',
    effectiveAt: effectiveAt.toISOString(),
  });
  await notify(
    ctx,
    { role: 'dept_specialist', departmentId: v.providerDepartmentId },
    {
      kind: 'catalog.change.scheduled',
      title: `${what}已通过平台审核，将于${date}生效：${current.name}`,
      body: impactSummaryZh(impact),
      link: consoleLink(`/catalog/entries/${v.entryId}`),
    },
  );
  return impact;
}

/**
 * Publishes every scheduled version whose effective date has come (the job runner calls this every
 * minute). Each version in its own transaction, so one failure does not hold back the others.
 */
export async function publishDueVersions(ctx: AppContext): Promise<number> {
  let published = 0;
  for (const id of await repo.dueVersionIds(ctx.db, ctx.clock.now())) {
    const done = await inTransaction(ctx, async (db) => {
      const t = { ...ctx, db };
      const locked = await versions.lockVersion(db, id);
      // Another runner may have got there first.
      if (locked?.status !== 'scheduled') return false;
      const v = await loadVersion(t, null, id);
      await publishVersion(t, id);
      await repo.markNoticesEffective(db, id);
      const what = v.changeKind === 'delete' ? '已删除' : '变更已生效';
      await notifyConsumers(t, v.entryId, {
        kind: 'catalog.change.effective',
        title: `目录${what}：${v.name}（${v.code}）`,
        payload: { versionId: id },
      });
      // No request carries this publication, so the audit hook never sees it (R-07: all audited).
      await recordSystemAudit(t, 'job-runner', {
        category: 'maintain',
        action: v.changeKind === 'delete' ? 'catalog.entry.delete.effective' : 'catalog.version.publish.effective',
        targetType: 'catalog_entry_version',
        targetId: id,
        detail: { entryId: v.entryId, code: v.code, versionNo: v.versionNo, changeKind: v.changeKind },
      });
      return true;
    });
    if (done) published++;
  }
  return published;
}
