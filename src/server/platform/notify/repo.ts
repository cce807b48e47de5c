import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

export async function insertNotifications(db: Db, rows: NewRow<'notification'>[]): Promise<void> {
  if (rows.length) await db.insertInto('notification').values(rows).execute();
}

export async function listForUser(db: Db, userId: string, unreadOnly: boolean, limit: number, offset: number) {
  let q = db.selectFrom('notification').where('user_id', '=', userId);
  if (unreadOnly) q = q.where('read_at', 'is', null);
  const [items, total] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the user's own notifications read (all when ids is undefined); returns how many changed. */
export async function markRead(db: Db, userId: string, ids: string[] | undefined, at: Date): Promise<number> {
  let q = db
    .updateTable('notification')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids) q = q.where('id', 'in', ids.length ? ids : ['0']);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function userIdsWithRole(db: Db, role: string, departmentId?: string): Promise<string[]> {
  let q = db
    .selectFrom('app_user')
    .select('id')
    .where('status', '=', 'active')
    .where((eb) => eb(eb.val(role), '=', eb.fn.any('roles')));
  if (departmentId) q = q.where('department_id', '=', departmentId);
  return (await q.execute()).map((r) => r.id);
}
