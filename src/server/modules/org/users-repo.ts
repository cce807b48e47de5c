import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { escapeLike } from '../../db/like';

/** Profile side of app_user; credentials and sessions live in platform/auth/repo. Never selects password_hash or mfa_secret. */

export interface UserFilter {
  q?: string;
  departmentId?: string;
  role?: string;
  status?: 'active' | 'disabled';
}

const COLUMNS = [
  'u.id',
  'u.username',
  'u.real_name',
  'u.department_id',
  'd.name as department_name',
  'u.roles',
  'u.email',
  'u.phone',
  'u.status',
  'u.locked_until',
  'u.mfa_enabled',
  'u.last_login_at',
  'u.password_changed_at',
  'u.created_at',
  'u.updated_at',
] as const;

const base = (db: Db) => db.selectFrom('app_user as u').leftJoin('department as d', 'd.id', 'u.department_id');

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUser>>>;

export async function listUsers(db: Db, f: UserFilter, limit: number, offset: number) {
  let q = base(db);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('u.username', 'ilike', like),
        eb('u.real_name', 'ilike', like),
        eb('u.phone', 'ilike', like),
        eb('u.email', 'ilike', like),
      ]),
    );
  }
  if (f.departmentId) q = q.where('u.department_id', '=', f.departmentId);
  if (f.role) {
    const role = f.role;
    q = q.where((eb) => eb(eb.val(role), '=', eb.fn.any('u.roles')));
  }
  if (f.status) q = q.where('u.status', '=', f.status);
  const [rows, total] = await Promise.all([
    q.select(COLUMNS).orderBy('u.created_at', 'desc').orderBy('u.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findUser(db: Db, id: string) {
  return base(db).select(COLUMNS).where('u.id', '=', id).executeTakeFirst();
}

export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  const r = await db
    .selectFrom('app_user')
    .select('id')
    .where(sql<boolean>`lower(username) = lower(${username})`)
    .executeTakeFirst();
  return !!r;
}

export async function insertUser(db: Db, row: NewRow<'app_user'>): Promise<string> {
  return (await db.insertInto('app_user').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateUser(db: Db, id: string, patch: RowUpdate<'app_user'>): Promise<void> {
  await db.updateTable('app_user').set(patch).where('id', '=', id).execute();
}

export async function unlockUser(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_logins: 0, locked_until: null, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export function findDepartmentStatus(db: Db, id: string) {
  return db.selectFrom('department').select(['id', 'name', 'status']).where('id', '=', id).executeTakeFirst();
}
