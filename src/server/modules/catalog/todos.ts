import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { TODO_TOP, type OverviewSeries, type TodoGroup } from '../../platform/todo/types';
import { VERSION_STATUSES } from '../../../shared/catalog/enums';
import { pendingNotices } from './changes-repo';
import { consumersOf } from './changes-service';
import { reviewQueue } from './lifecycle-service';
import { listObjections } from './objections-service';
import { versionCountsByStatus } from './versions-repo';
import { consoleLink } from '../../../shared/console';

/**
 * The catalog's part of the to-do home: versions waiting for this reviewer, objections to
 * this department's entries waiting for its answer (R-08, with their deadline), and announced
 * changes to resources this department uses before they take effect.
 */
export async function catalogTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  const groups = await Promise.all([
    can(actor.roles, 'catalog.dept_review') ? reviews(ctx, actor, 'dept') : null,
    can(actor.roles, 'catalog.platform_review') ? reviews(ctx, actor, 'platform') : null,
    actor.departmentId && (can(actor.roles, 'catalog.compile') || can(actor.roles, 'catalog.dept_review'))
      ? objections(ctx, actor)
      : null,
    actor.departmentId ? changeNotices(ctx, actor.departmentId) : null,
  ]);
  return groups.filter((g): g is TodoGroup => g !== null);
}

async function reviews(ctx: AppContext, actor: Actor, step: 'dept' | 'platform'): Promise<TodoGroup> {
  const { items, total } = await reviewQueue(ctx, actor, step, TODO_TOP, 0);
  return {
    kind: `catalog.review.${step}`,
    total,
    overdue: 0,
    more: consoleLink('/catalog/review'),
    items: items.map((v) => ({
      kind: `catalog.review.${step}`,
      title: v.name,
      detail: v.providerDepartmentName,
      link: consoleLink('/catalog/review'),
      dueAt: null,
      overdue: false,
    })),
  };
}

async function objections(ctx: AppContext, actor: Actor): Promise<TodoGroup> {
  const [open, reopened, overdue] = await Promise.all([
    listObjections(ctx, actor, { role: 'received', status: 'open' }, TODO_TOP, 0),
    listObjections(ctx, actor, { role: 'received', status: 'reopened' }, TODO_TOP, 0),
    listObjections(ctx, actor, { role: 'received', overdue: true }, 1, 0),
  ]);
  return {
    kind: 'catalog.objection.answer',
    total: open.total + reopened.total,
    overdue: overdue.total,
    more: consoleLink('/catalog/objections'),
    items: [...open.items, ...reopened.items].map((o) => ({
      kind: 'catalog.objection.answer',
      title: o.entryName ?? '—',
      detail: o.raisedByDepartmentName ?? o.raisedByName,
      link: consoleLink(`/catalog/objections/${o.id}`),
      dueAt: new Date(o.dueAt),
      overdue: o.overdue,
    })),
  };
}

async function changeNotices(ctx: AppContext, departmentId: string): Promise<TodoGroup> {
  const notices = [];
  for (const n of await pendingNotices(ctx.db))
    if ((await consumersOf(ctx, n.entry_id)).includes(departmentId)) notices.push(n);
  return {
    kind: 'catalog.change.notice',
    total: notices.length,
    overdue: 0,
    more: consoleLink('/inbox'),
    items: notices.slice(0, TODO_TOP).map((n) => ({
      kind: 'catalog.change.notice',
      title: `${n.name}（${n.code}）`,
      detail: n.provider_name,
      link: consoleLink(`/catalog/entries/${n.entry_id}`),
      // Not a deadline for this department, but the day it must be ready for the change.
      dueAt: n.effective_at,
      overdue: false,
    })),
  };
}

/** R-48 overview: the city catalog by version status (published, and each step on the way). */
export async function catalogOverview(ctx: AppContext): Promise<OverviewSeries[]> {
  const rows = await versionCountsByStatus(ctx.db);
  const order = Object.keys(VERSION_STATUSES);
  return [
    {
      key: 'catalog.versionsByStatus',
      points: rows
        .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
        .map((r) => ({ label: VERSION_STATUSES[r.status].zh, value: Number(r.n) })),
    },
  ];
}
