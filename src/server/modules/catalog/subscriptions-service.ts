import type { AppContext } from '../../app-context';
import { conflict, notFound } from '../../platform/errors';
import { actorDepartment } from './entries-access';
import { findEntry } from './entries-repo';
import * as repo from './subscriptions-repo';
import { viewerOf, type CatalogActor } from './versions-model';

/**
 * Subscribing to an entry (Art 10 申请订阅): the department then hears of every change notice and
 * of the change taking effect. A user subscribes on behalf of their department.
 */
export interface Subscription {
  entryId: string;
  code: string;
  name: string | null;
  entryStatus: 'draft' | 'published' | 'deleted';
  userId: string;
  userName: string | null;
  mine: boolean;
  createdAt: string;
}

export async function subscribe(
  ctx: AppContext,
  actor: CatalogActor,
  entryId: string,
): Promise<{ subscribed: boolean }> {
  const departmentId = actorDepartment(actor);
  const entry = await findEntry(ctx.db, entryId, viewerOf(actor));
  if (!entry) throw notFound('Catalog entry', '信息资源目录');
  if (entry.status !== 'published')
    throw conflict(
      'CATALOG_ENTRY_NOT_PUBLISHED',
      'Only a published entry can be subscribed to',
      '只能订阅已发布的信息资源',
    );
  await repo.subscribe(ctx.db, entryId, departmentId, actor.userId, ctx.clock.now());
  return { subscribed: true };
}

export async function unsubscribe(
  ctx: AppContext,
  actor: CatalogActor,
  entryId: string,
): Promise<{ subscribed: boolean }> {
  await repo.unsubscribe(ctx.db, entryId, actor.userId);
  return { subscribed: false };
}

/** The subscriptions of the actor's department (whoever in it subscribed); none for users without a department. */
export async function listSubscriptions(ctx: AppContext, actor: CatalogActor): Promise<Subscription[]> {
  if (!actor.departmentId) return [];
  return (await repo.departmentSubscriptions(ctx.db, actor.departmentId)).map((r) => ({
    entryId: r.entry_id,
    code: r.code,
    name: r.name,
    entryStatus: r.status,
    userId: r.user_id,
    userName: r.user_name,
    mine: r.user_id === actor.userId,
    createdAt: r.created_at.toISOString(),
  }));
}
