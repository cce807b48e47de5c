import type { Db } from '../../app-context';

/** Subscriptions to an entry's changes (Art 10 申请订阅); a user subscribes on behalf of their department. */

export async function subscribe(
  db: Db,
  entryId: string,
  departmentId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('catalog_subscription')
    .values({ entry_id: entryId, department_id: departmentId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['entry_id', 'user_id']).doNothing())
    .execute();
}

export async function unsubscribe(db: Db, entryId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('catalog_subscription')
    .where('entry_id', '=', entryId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function isSubscribed(db: Db, entryId: string, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom('catalog_subscription')
    .select('entry_id')
    .where('entry_id', '=', entryId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function subscriberDepartments(db: Db, entryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('catalog_subscription')
    .select('department_id')
    .distinct()
    .where('entry_id', '=', entryId)
    .orderBy('department_id')
    .execute();
  return rows.map((r) => r.department_id);
}

/** A department's subscriptions with the subscribed entry's current name. */
export function departmentSubscriptions(db: Db, departmentId: string) {
  return db
    .selectFrom('catalog_subscription as s')
    .innerJoin('catalog_entry as e', 'e.id', 's.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .leftJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.entry_id', 'e.code', 'v.name', 'e.status', 's.user_id', 'u.real_name as user_name', 's.created_at'])
    .where('s.department_id', '=', departmentId)
    .orderBy('s.created_at', 'desc')
    .execute();
}
