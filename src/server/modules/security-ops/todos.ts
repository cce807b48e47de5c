import type { AppContext } from '../../app-context';
import { endOfShanghaiDay, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import { TODO_TOP, type TodoGroup } from '../../platform/todo/types';
import { consoleLink } from '../../../shared/console';
import { SECURITY_RECORD_KINDS } from '../../../shared/security/register';
import * as repo from './register-repo';
import { registerStatus } from './register-service';

/**
 * The register's part of the to-do home of those who keep it: Art 25's yearly assessment and drill when
 * a year since the last one is near or past (or none was ever held), and follow-up actions past their day.
 */
export async function securityTodos(ctx: AppContext, actor: Actor): Promise<TodoGroup[]> {
  if (!can(actor.roles, 'security.register.manage')) return [];
  const status = await registerStatus(ctx);
  const groups: TodoGroup[] = [];
  const due = status.yearly.filter((y) => y.status !== 'ok');
  if (due.length) {
    groups.push({
      kind: 'security.yearly',
      total: due.length,
      overdue: due.filter((y) => y.status === 'overdue').length,
      more: consoleLink('/security/register'),
      items: due.map((y) => ({
        kind: 'security.yearly',
        title: SECURITY_RECORD_KINDS[y.kind].zh,
        detail: y.lastHeldOn ? `上次 ${y.lastHeldOn}` : '尚无记录',
        link: consoleLink(`/security/register?kind=${y.kind}`),
        dueAt: y.dueBy ? endOfShanghaiDay(y.dueBy) : null,
        overdue: y.status === 'overdue',
      })),
    });
  }
  const overdue = await repo.overdueActions(ctx.db, shanghaiDate(ctx.clock.now()), TODO_TOP);
  if (overdue.total) {
    groups.push({
      kind: 'security.action.overdue',
      total: overdue.total,
      overdue: overdue.total,
      more: consoleLink('/security/register?openActions=true'),
      items: overdue.rows.map((a) => ({
        kind: 'security.action.overdue',
        title: a.description,
        detail: `${a.owner} · ${a.record_title}`,
        link: consoleLink(`/security/register?record=${a.record_id}`),
        dueAt: endOfShanghaiDay(a.due_on),
        overdue: true,
      })),
    });
  }
  return groups;
}
