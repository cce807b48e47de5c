import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { scopeOf } from '../../platform/rbac/scope';
import { TODO_TOP, type OverviewSeries, type TodoGroup } from '../../platform/todo/types';
import { APPLICATION_STATUSES } from '../../../shared/open/applications';
import { consoleLink } from '../../../shared/console';
import * as repo from './applications-repo';

/** The open module's to-dos: 有条件开放 applications the department must answer within 20 working days. */
export async function openTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  if (!actor.departmentId || !can(actor.roles, 'open.application.decide')) return [];
  const scope = scopeOf(actor, 'open.application.manage');
  const now = ctx.clock.now();
  const [rows, counts] = await Promise.all([
    repo.waitingFor(ctx.db, scope, TODO_TOP),
    repo.countWaiting(ctx.db, scope, now),
  ]);
  if (!counts.total) return [];
  return [
    {
      kind: 'open.application.decide',
      total: counts.total,
      overdue: counts.overdue,
      more: consoleLink('/open/applications'),
      items: rows.map((r) => ({
        kind: 'open.application.decide',
        title: r.dataset_name ?? r.dataset_code,
        detail: `${r.no} · ${r.applicant_name}`,
        link: consoleLink(`/open/applications/${r.id}`),
        dueAt: r.due_at,
        overdue: r.due_at < now,
      })),
    },
  ];
}

/** The platform's overview: 有条件开放 applications by where they stand, overdue ones apart. */
export async function openOverview(ctx: AppContext): Promise<OverviewSeries[]> {
  const rows = await repo.countsByStatus(ctx.db, ctx.clock.now());
  const labels: Record<string, string> = {
    ...Object.fromEntries(Object.entries(APPLICATION_STATUSES).map(([k, v]) => [k, v.zh])),
    overdue: '逾期未答复',
  };
  const order = ['submitted', 'overdue', 'approved', 'refused', 'withdrawn'];
  return [
    {
      key: 'open.applicationsByStatus',
      points: rows
        .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
        .map((r) => ({ label: labels[r.status] ?? r.status, value: Number(r.n) })),
    },
  ];
}
