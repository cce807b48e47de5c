import type { AppContext } from '../../app-context';
import { addDays, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { TODO_TOP, type OverviewSeries, type TodoGroup } from '../../platform/todo/types';
import { REQUEST_STATUSES } from './enums';
import { listGrants } from './grants-service';
import { listRequests } from './requests-service';
import * as repo from './requests-repo';
import type { RequestFilter } from './requests-repo';
import type { RequestSummary } from './schemas';
import { consoleLink } from '../../../shared/console';

/** A grant ending within this many days is worth renewing (or replacing) now. */
export const EXPIRING_DAYS = 30;

/**
 * Sharing's part of the to-do home: requests waiting for the platform's pre-review or this
 * department's decision, each with its deadline; this department's returned
 * requests to supplement; its grants ending within 30 days.
 */
export async function sharingTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  const mine = !!actor.departmentId && can(actor.roles, 'sharing.request');
  const groups = await Promise.all([
    can(actor.roles, 'sharing.prereview') ? requests(ctx, actor, 'sharing.prereview', { box: 'prereview' }) : null,
    actor.departmentId && can(actor.roles, 'sharing.decide')
      ? requests(ctx, actor, 'sharing.decide', { box: 'incoming', status: 'provider_review' })
      : null,
    mine ? requests(ctx, actor, 'sharing.resubmit', { box: 'mine', status: 'returned' }) : null,
    mine ? expiringGrants(ctx, actor) : null,
  ]);
  return groups.filter((g): g is TodoGroup => g !== null);
}

async function requests(ctx: AppContext, actor: Actor, kind: string, f: RequestFilter): Promise<TodoGroup> {
  // Overdue first, then the nearest deadlines (the list's own order is newest first; a queue
  // longer than a hundred shows its total, and its most urgent among the newest hundred).
  const [late, all] = await Promise.all([
    listRequests(ctx, actor, { ...f, overdue: true }, TODO_TOP, 0),
    listRequests(ctx, actor, f, 100, 0),
  ]);
  const byDeadline = (a: RequestSummary, b: RequestSummary) =>
    (a.currentStep?.dueAt ?? '9').localeCompare(b.currentStep?.dueAt ?? '9');
  const items = [...late.items, ...all.items.filter((r) => !r.overdue).sort(byDeadline)].slice(0, TODO_TOP);
  return {
    kind,
    total: all.total,
    overdue: late.total,
    more: consoleLink(`/sharing/requests?box=${f.box}`),
    items: items.map((r) => ({
      kind,
      title: `${r.entryName}（${r.no}）`,
      detail:
        kind === 'sharing.decide' || kind === 'sharing.prereview' ? r.consumerDepartmentName : r.providerDepartmentName,
      link: consoleLink(`/sharing/requests/${r.id}`),
      dueAt: r.currentStep ? new Date(r.currentStep.dueAt) : null,
      overdue: r.overdue,
    })),
  };
}

async function expiringGrants(ctx: AppContext, actor: Actor): Promise<TodoGroup> {
  const by = addDays(shanghaiDate(ctx.clock.now()), EXPIRING_DAYS);
  const { items, total } = await listGrants(
    ctx,
    actor,
    { side: 'consumer', status: 'active', endsBy: by },
    TODO_TOP,
    0,
  );
  return {
    kind: 'sharing.grant.expiring',
    total,
    overdue: 0,
    more: consoleLink('/sharing/grants'),
    items: items.map((g) => ({
      kind: 'sharing.grant.expiring',
      title: `${g.entryName}（${g.no}）`,
      detail: g.providerDepartmentName,
      link: consoleLink(`/sharing/grants/${g.id}`),
      // The end of its last valid day, Beijing time.
      dueAt: new Date(`${g.validTo}T23:59:59.999+08:00`),
      overdue: false,
    })),
  };
}

/** R-48 overview: requests by status, and overdue review steps by who holds them. */
export async function sharingOverview(ctx: AppContext): Promise<OverviewSeries[]> {
  const [byStatus, overdue] = await Promise.all([
    repo.countsByStatus(ctx.db),
    repo.overdueStepsByHolder(ctx.db, ctx.clock.now()),
  ]);
  return [
    {
      key: 'sharing.requestsByStatus',
      points: byStatus.map((r) => ({ label: REQUEST_STATUSES[r.status].zh, value: Number(r.n) })),
    },
    {
      key: 'sharing.overdueByHolder',
      points: overdue.map((r) => ({ label: r.holder, value: Number(r.n) })).sort((a, b) => b.value - a.value),
    },
  ];
}
