import type { AppContext } from '../../app-context';
import type { Role } from '../rbac/roles';
import * as repo from './repo';

/** Who a notification goes to: named users, or everyone holding a role (optionally in one department). */
export type Recipients = { userIds: string[] } | { role: Role; departmentId?: string };

export interface Notice {
  /** Stable event code, e.g. 'catalog.review.requested'; the UI can group and translate by it. */
  kind: string;
  title: string;
  body?: string;
  /** Page of the web app that the inbox entry opens, e.g. consoleLink('/catalog/entries/…'). */
  link?: string;
  payload?: Record<string, unknown>;
}

/**
 * the one way to tell people something. The in-app inbox is the channel every role has;
 * e-mail/SMS/webhook channels will subscribe here rather than be called from modules.
 */
export async function notify(ctx: AppContext, to: Recipients, notice: Notice): Promise<number> {
  const userIds =
    'userIds' in to ? [...new Set(to.userIds)] : await repo.userIdsWithRole(ctx.db, to.role, to.departmentId);
  await repo.insertNotifications(
    ctx.db,
    userIds.map((user_id) => ({
      user_id,
      kind: notice.kind,
      title: notice.title,
      body: notice.body ?? null,
      link: notice.link ?? null,
      payload: notice.payload ? JSON.stringify(notice.payload) : null,
      created_at: ctx.clock.now(),
    })),
  );
  return userIds.length;
}

export const inbox = (ctx: AppContext, userId: string, unreadOnly: boolean, limit: number, offset: number) =>
  repo.listForUser(ctx.db, userId, unreadOnly, limit, offset);
export const unreadCount = (ctx: AppContext, userId: string) => repo.unreadCount(ctx.db, userId);
export const markRead = (ctx: AppContext, userId: string, ids?: string[]) =>
  repo.markRead(ctx.db, userId, ids, ctx.clock.now());
