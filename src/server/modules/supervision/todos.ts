import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { TODO_TOP, type TodoGroup } from '../../platform/todo/types';
import { consoleLink } from '../../../shared/console';
import * as repo from './rectification-repo';

/**
 * Rectification's part of the to-do home: a department's notices to answer by their deadline (the
 * leader and 数据专员), and answers waiting for the office to verify (the platform admin).
 */
export async function supervisionTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  const now = ctx.clock.now();
  const groups: TodoGroup[] = [];
  const add = async (kind: string, waitingFor: { departmentId: string } | 'office', detail: (d: string) => string) => {
    const w = await repo.waitingNotices(ctx.db, waitingFor, now, TODO_TOP);
    if (!w.total) return;
    groups.push({
      kind,
      total: w.total,
      overdue: waitingFor === 'office' ? 0 : w.overdue,
      more: consoleLink('/supervision/rectifications'),
      items: w.rows.map((n) => ({
        kind,
        title: `${n.no} ${n.title}`,
        detail: detail(n.department_name),
        link: consoleLink(`/supervision/rectifications/${n.id}`),
        // The office has no deadline of its own to verify; the department's deadline is what it sees.
        dueAt: waitingFor === 'office' ? null : n.due_at,
        overdue: waitingFor !== 'office' && n.due_at < now,
      })),
    });
  };
  if (actor.departmentId && can(actor.roles, 'supervision.rectification.answer'))
    await add('supervision.rectification.answer', { departmentId: actor.departmentId }, () => '整改通知待反馈');
  if (can(actor.roles, 'supervision.manage'))
    await add('supervision.rectification.verify', 'office', (d) => `${d} 已反馈，待验收`);
  return groups;
}
