import type { AppContext, Db } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { endOfShanghaiDay, isValidDate, shanghaiDate } from '../../platform/calendar/dates';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { scheduleJob } from '../../platform/jobs/service';
import * as repo from './demands-repo';
import type { Demand, DemandInput, Responsibility, ResponsibilityInput } from './demands-routes';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';

/**
 * R-09 (Art 7 para 2): departments file 共享需求; the platform aggregates them into a 责任清单 of
 * items (provider, what, deadline); an item is fulfilled when its provider publishes the linked entry.
 */

const DEMANDS_LINK = consoleLink('/catalog/demands');
const KIND_ZH: Record<repo.ResponsibilityKind, string> = { catalog: '编目', share: '共享', open: '开放' };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const readScope = (actor: Actor) => scopeOf(actor, 'catalog.demand.read');

const fieldError = (code: string, field: string, en: string, zh: string) =>
  badRequest(code, en, zh, { problems: [{ field, code, message: en, messageZh: zh }] });

const required = (s: string, field: string, en: string, zh: string) => {
  const t = s.trim();
  if (!t) throw fieldError('FIELD_REQUIRED', field, en, zh);
  return t;
};

const toDemand = (r: repo.DemandRow): Demand => ({
  id: r.id,
  requesterDepartmentId: r.requester_department_id,
  requesterDepartmentName: r.requester_department_name,
  requesterId: r.requester_id,
  requesterName: r.requester_name,
  title: r.title,
  description: r.description,
  reason: r.reason,
  wantedProviderDepartmentId: r.wanted_provider_department_id,
  wantedProviderDepartmentName: r.wanted_provider_department_name,
  wantedEntryId: r.wanted_entry_id,
  wantedEntryName: r.wanted_entry_name,
  status: r.status,
  adminNote: r.admin_note,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  responsibility:
    r.item_id && r.item_due_at && r.item_status
      ? {
          id: r.item_id,
          providerDepartmentName: r.item_provider_department_name ?? '',
          dueAt: r.item_due_at.toISOString(),
          status: r.item_status,
        }
      : null,
});

export async function listDemands(
  ctx: AppContext,
  actor: Actor,
  f: { status?: repo.DemandStatus },
  limit: number,
  offset: number,
) {
  const { rows, total } = await repo.listDemands(ctx.db, readScope(actor), f, limit, offset);
  return { items: rows.map(toDemand), total };
}

async function getDemand(ctx: AppContext, id: string): Promise<Demand> {
  const row = await repo.findDemand(ctx.db, id);
  if (!row) throw notFound('Demand', '共享需求');
  return toDemand(row);
}

export async function fileDemand(ctx: AppContext, actor: Actor, input: DemandInput): Promise<Demand> {
  if (!actor.departmentId) throw forbidden('Only a department can file a demand', '只有政务部门可以提出共享需求');
  const title = required(input.title, 'title', 'Name what is needed', '请填写需求名称');
  const description = required(input.description, 'description', 'Describe what is needed', '请填写需求描述');
  const reason = required(input.reason, 'reason', 'Say what the data is needed for', '请填写需求依据或用途');
  let wantedProvider = input.wantedProviderDepartmentId ?? null;
  if (wantedProvider && !(await repo.departmentExists(ctx.db, wantedProvider))) {
    throw fieldError(
      'DEPARTMENT_NOT_FOUND',
      'wantedProviderDepartmentId',
      'The department does not exist',
      '部门不存在',
    );
  }
  if (input.wantedEntryId) {
    const entry = await repo.findEntryState(ctx.db, input.wantedEntryId);
    // Another department's unpublished draft is invisible to the requester.
    if (!entry || (entry.status !== 'published' && entry.provider_department_id !== actor.departmentId)) {
      throw fieldError('ENTRY_NOT_FOUND', 'wantedEntryId', 'The catalog entry does not exist', '目录不存在');
    }
    if (wantedProvider && wantedProvider !== entry.provider_department_id) {
      throw fieldError(
        'DEMAND_ENTRY_PROVIDER_MISMATCH',
        'wantedEntryId',
        'The entry belongs to another department than the one named',
        '所选目录不属于所填写的提供部门',
      );
    }
    wantedProvider = entry.provider_department_id;
  }
  const now = ctx.clock.now();
  const id = await inTransaction(ctx, async (trx) => {
    const newId = await repo.insertDemand(trx, {
      requester_department_id: actor.departmentId as string,
      requester_id: actor.userId,
      title,
      description,
      reason,
      wanted_provider_department_id: wantedProvider,
      wanted_entry_id: input.wantedEntryId ?? null,
      created_at: now,
      updated_at: now,
    });
    await notify(
      { ...ctx, db: trx },
      { role: 'platform_admin' },
      {
        kind: 'catalog.demand.filed',
        title: `收到共享需求：${title}`,
        body: `${actor.departmentName ?? ''}提出：${description.slice(0, 80)}`,
        link: DEMANDS_LINK,
        payload: { demandId: newId },
      },
    );
    return newId;
  });
  return getDemand(ctx, id);
}

export async function rejectDemand(ctx: AppContext, id: string, reason: string): Promise<Demand> {
  const note = required(reason, 'reason', 'Give the reason', '请填写不予受理的理由');
  const d = await getDemand(ctx, id);
  await inTransaction(ctx, async (trx) => {
    if (!(await repo.setDemandStatus(trx, [id], ['submitted'], 'rejected', ctx.clock.now(), note))) {
      throw conflict(
        'DEMAND_NOT_SUBMITTED',
        'Only a demand not yet assigned can be rejected',
        '只能驳回尚未纳入责任清单的需求',
      );
    }
    await notify(
      { ...ctx, db: trx },
      { userIds: [d.requesterId] },
      {
        kind: 'catalog.demand.rejected',
        title: `共享需求未予受理：${d.title}`,
        body: `理由：${note}`,
        link: DEMANDS_LINK,
        payload: { demandId: id },
      },
    );
  });
  return getDemand(ctx, id);
}

// ---- responsibility items ----

function toResponsibility(
  r: repo.ItemRow,
  demands: Awaited<ReturnType<typeof repo.demandsOfItems>>,
  now: Date,
): Responsibility {
  return {
    id: r.id,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: r.provider_department_name,
    kind: r.kind,
    description: r.description,
    dueAt: r.due_at.toISOString(),
    entryId: r.entry_id,
    entryCode: r.entry_code,
    entryName: r.entry_name,
    status: r.status,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    fulfilledAt: iso(r.fulfilled_at),
    overdue: r.status === 'open' && r.due_at.getTime() < now.getTime(),
    demands: demands
      .filter((d) => d.item_id === r.id)
      .map((d) => ({
        id: d.id,
        title: d.title,
        status: d.status,
        requesterDepartmentId: d.requester_department_id,
        requesterDepartmentName: d.requester_department_name,
      })),
  };
}

export async function listResponsibilities(
  ctx: AppContext,
  actor: Actor,
  f: repo.ItemFilter,
  limit: number,
  offset: number,
) {
  const now = ctx.clock.now();
  const { rows, total } = await repo.listItems(ctx.db, readScope(actor), f, now, limit, offset);
  const demands = await repo.demandsOfItems(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toResponsibility(r, demands, now)), total };
}

async function getResponsibility(ctx: AppContext, id: string): Promise<Responsibility> {
  const row = await repo.findItem(ctx.db, id);
  if (!row) throw notFound('Responsibility item', '责任清单事项');
  return toResponsibility(row, await repo.demandsOfItems(ctx.db, [id]), ctx.clock.now());
}

export const OVERDUE_JOB = 'catalog.responsibility.overdue';

/** Job handler at the deadline: an item still open is late; the provider (with its reviewers) and the platform hear of it. */
export async function remindOverdueResponsibility(
  ctx: AppContext,
  payload: { responsibilityId: string },
): Promise<void> {
  const item = await repo.findItem(ctx.db, payload.responsibilityId);
  if (!item || item.status !== 'open' || item.due_at.getTime() >= ctx.clock.now().getTime()) return;
  const notice = {
    kind: 'catalog.responsibility.overdue',
    title: `责任清单事项已逾期：${item.description.slice(0, 40)}`,
    body: `${item.provider_department_name}，期限${shanghaiDate(item.due_at)}。`,
    link: DEMANDS_LINK,
    payload: { responsibilityId: item.id },
  };
  await notify(ctx, { role: 'dept_specialist', departmentId: item.provider_department_id }, notice);
  await notify(ctx, { role: 'dept_leader', departmentId: item.provider_department_id }, notice);
  await notify(ctx, { userIds: [item.created_by] }, notice);
}

/** The entry must be the provider's own, and not deleted, to answer one of its responsibilities. */
async function providerEntry(db: Db, entryId: string, providerId: string) {
  const entry = await repo.findEntryState(db, entryId);
  if (!entry || entry.status === 'deleted')
    throw fieldError('ENTRY_NOT_FOUND', 'entryId', 'The catalog entry does not exist', '目录不存在');
  if (entry.provider_department_id !== providerId) {
    throw fieldError(
      'RESPONSIBILITY_ENTRY_OTHER_PROVIDER',
      'entryId',
      "The entry is not the responsible department's",
      '该目录不属于责任部门',
    );
  }
  return entry;
}

export async function createResponsibility(
  ctx: AppContext,
  actor: Actor,
  input: ResponsibilityInput,
): Promise<Responsibility> {
  const description = required(input.description, 'description', 'Say what the department must do', '请填写责任内容');
  const provider = await repo.departmentExists(ctx.db, input.providerDepartmentId);
  if (!provider)
    throw fieldError('DEPARTMENT_NOT_FOUND', 'providerDepartmentId', 'The department does not exist', '部门不存在');
  if (!isValidDate(input.dueDate))
    throw fieldError('DATE_INVALID', 'dueDate', `Invalid date ${input.dueDate}`, `日期无效：${input.dueDate}`);
  const now = ctx.clock.now();
  if (input.dueDate < shanghaiDate(now))
    throw fieldError('RESPONSIBILITY_DUE_PAST', 'dueDate', 'The deadline is in the past', '完成期限不能早于今天');
  if (input.entryId) await providerEntry(ctx.db, input.entryId, provider.id);
  const demandIds = [...new Set(input.demandIds)];
  const dueAt = endOfShanghaiDay(input.dueDate);

  const id = await inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    const found = await repo.lockDemands(trx, demandIds);
    const missing = demandIds.filter((d) => !found.some((f) => f.id === d));
    if (missing.length)
      throw fieldError(
        'DEMAND_NOT_FOUND',
        'demandIds',
        `Unknown demands: ${missing.join(', ')}`,
        `共享需求不存在：${missing.join('、')}`,
      );
    const taken = found.filter((d) => d.status !== 'submitted');
    if (taken.length) {
      const titles = taken.map((d) => d.title);
      throw new AppError(
        409,
        'DEMAND_NOT_OPEN',
        `Already assigned, rejected or fulfilled: ${titles.join(', ')}`,
        `以下需求已处理，不能再次纳入：${titles.join('、')}`,
        { demandIds: taken.map((d) => d.id) },
      );
    }
    const itemId = await repo.insertItem(
      trx,
      {
        provider_department_id: provider.id,
        kind: input.kind,
        description,
        due_at: dueAt,
        entry_id: input.entryId ?? null,
        created_by: actor.userId,
        created_at: now,
      },
      demandIds,
    );
    await repo.setDemandStatus(trx, demandIds, ['submitted'], 'assigned', now);
    await scheduleJob(t, {
      kind: OVERDUE_JOB,
      runAt: new Date(dueAt.getTime() + 1),
      payload: { responsibilityId: itemId },
    });
    await notify(
      t,
      { role: 'dept_specialist', departmentId: provider.id },
      {
        kind: 'catalog.responsibility.assigned',
        title: `责任清单新增${KIND_ZH[input.kind]}事项`,
        body: `${description.slice(0, 80)}。完成期限：${input.dueDate}。`,
        link: DEMANDS_LINK,
        payload: { responsibilityId: itemId, dueAt: dueAt.toISOString() },
      },
    );
    await notify(
      t,
      { userIds: found.map((d) => d.requester_id) },
      {
        kind: 'catalog.demand.assigned',
        title: '共享需求已纳入责任清单',
        body: `已由${provider.name}负责${KIND_ZH[input.kind]}，期限${input.dueDate}。`,
        link: DEMANDS_LINK,
        payload: { responsibilityId: itemId, demandIds },
      },
    );
    if (input.entryId) await fulfil(t, input.entryId, itemId);
    return itemId;
  });
  return getResponsibility(ctx, id);
}

/** The provider names the entry that answers an item; an entry already published fulfils it at once. */
export async function linkResponsibility(
  ctx: AppContext,
  actor: Actor,
  id: string,
  entryId: string,
): Promise<Responsibility> {
  const item = await repo.findItem(ctx.db, id);
  if (!item || !inScope(readScope(actor), item.provider_department_id))
    throw notFound('Responsibility item', '责任清单事项');
  if (item.provider_department_id !== actor.departmentId)
    throw forbidden('Only the responsible department can link an entry', '只有责任部门可以关联目录');
  const entry = await providerEntry(ctx.db, entryId, item.provider_department_id);
  await inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    if (!(await repo.linkEntry(trx, id, entryId)))
      throw conflict(
        'RESPONSIBILITY_NOT_OPEN',
        'The item is already fulfilled or cancelled',
        '该责任事项已完成或已取消',
      );
    await notify(
      t,
      { userIds: [item.created_by] },
      {
        kind: 'catalog.responsibility.linked',
        title: `责任事项已关联目录：${entry.entry_name ?? ''}`,
        body: `${item.provider_department_name}：${item.description.slice(0, 80)}`,
        link: DEMANDS_LINK,
        payload: { responsibilityId: id, entryId },
      },
    );
    await fulfil(t, entryId, id);
  });
  return getResponsibility(ctx, id);
}

/**
 * What a published entry can fulfil: any item to catalog it; an item to share it only if it is
 * shared (not 不予共享); an item to open it only if it is open.
 */
function fulfillingKinds(e: NonNullable<Awaited<ReturnType<typeof repo.findEntryState>>>): repo.ResponsibilityKind[] {
  if (e.status !== 'published') return [];
  const kinds: repo.ResponsibilityKind[] = ['catalog'];
  if (e.share_type && e.share_type !== 'none') kinds.push('share');
  if (e.open_type && e.open_type !== 'none') kinds.push('open');
  return kinds;
}

async function fulfil(ctx: AppContext, entryId: string, onlyItemId?: string): Promise<number> {
  const entry = await repo.findEntryState(ctx.db, entryId);
  if (!entry) return 0;
  const now = ctx.clock.now();
  const items = await repo.fulfilItems(ctx.db, entryId, fulfillingKinds(entry), now, onlyItemId);
  if (!items.length) return 0;
  const demands = await repo.demandsOfItems(
    ctx.db,
    items.map((i) => i.id),
  );
  await repo.fulfilDemandsOfItems(
    ctx.db,
    items.map((i) => i.id),
    now,
  );
  const entryLink = consoleLink(`/catalog/entries/${entryId}`);
  for (const item of items) {
    const mine = demands.filter((d) => d.item_id === item.id);
    await notify(
      ctx,
      { userIds: mine.map((d) => d.requester_id) },
      {
        kind: 'catalog.demand.fulfilled',
        title: `共享需求已满足：${entry.entry_name ?? ''}`,
        body: `提供部门已发布目录“${entry.entry_name ?? ''}”，可在资源共享门户申请使用。`,
        link: entryLink,
        payload: { responsibilityId: item.id, entryId, demandIds: mine.map((d) => d.id) },
      },
    );
    await notify(
      ctx,
      { userIds: [item.created_by] },
      {
        kind: 'catalog.responsibility.fulfilled',
        title: `责任事项已完成：${entry.entry_name ?? ''}`,
        body: item.description.slice(0, 80),
        link: DEMANDS_LINK,
        payload: { responsibilityId: item.id, entryId },
      },
    );
  }
  return items.length;
}

/**
 * Called by the catalog lifecycle whenever an entry version is published (after the entry points at
 * it): open responsibility items linked to the entry become fulfilled, with their demands.
 */
export async function fulfilResponsibilitiesFor(ctx: AppContext, entryId: string): Promise<void> {
  await inTransaction(ctx, (trx) => fulfil({ ...ctx, db: trx }, entryId));
}
