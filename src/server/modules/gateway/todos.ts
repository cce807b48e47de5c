import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { TODO_TOP, type TodoGroup } from '../../platform/todo/types';
import { consoleLink } from '../../../shared/console';
import { listPendingChanges } from './change-review';

/** The gateway's part of the to-do home: service changes waiting for the platform's review. */
export async function gatewayTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  if (!can(actor.roles, 'gateway.change.review')) return [];
  const { items, total } = await listPendingChanges(ctx, actor, TODO_TOP, 0);
  return [
    {
      kind: 'gateway.change.review',
      total,
      overdue: 0,
      more: consoleLink('/gateway/services'),
      items: items.map((c) => ({
        kind: 'gateway.change.review',
        title: `${c.entryName}（${c.entryCode}）`,
        detail: c.providerDepartmentName,
        link: consoleLink(`/catalog/entries/${c.entryId}`),
        dueAt: null,
        overdue: false,
      })),
    },
  ];
}
