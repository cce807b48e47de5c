import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** Credential columns of app_user and the session table; profile columns belong to the org module. */

export function findCredentials(db: Db, username: string) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('department as d', 'd.id', 'u.department_id')
    .select([
      'u.id',
      'u.username',
      'u.real_name',
      'u.department_id',
      'd.name as department_name',
      'u.roles',
      'u.password_hash',
      'u.status',
      'u.failed_logins',
      'u.locked_until',
      'u.mfa_enabled',
      'u.mfa_secret',
    ])
    .where(sql<boolean>`lower(u.username) = lower(${username})`)
    .executeTakeFirst();
}

export function findCredentialsById(db: Db, userId: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'password_hash', 'mfa_enabled', 'mfa_secret'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Counts a failure atomically and locks the account when it reaches the limit. */
export async function countFailedLogin(db: Db, userId: string, limit: number, lockUntil: Date): Promise<number> {
  const row = await db
    .updateTable('app_user')
    .set((eb) => ({
      failed_logins: eb('failed_logins', '+', 1),
      locked_until: sql<Date | null>`case when failed_logins + 1 >= ${limit} then ${lockUntil}::timestamptz else locked_until end`,
    }))
    .where('id', '=', userId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return row.failed_logins;
}

/** Clears failures and the lock; `at` null keeps the last login time (a password reset is no login). */
export async function markLoginSucceeded(db: Db, userId: string, at: Date | null): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_logins: 0, locked_until: null, ...(at ? { last_login_at: at } : {}) })
    .where('id', '=', userId)
    .execute();
}

export async function insertSession(db: Db, s: NewRow<'user_session'>): Promise<void> {
  await db.insertInto('user_session').values(s).execute();
}

export function findSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .leftJoin('department as d', 'd.id', 'u.department_id')
    .select([
      's.token_hash',
      's.kind',
      's.mfa_passed',
      's.expires_at',
      's.last_seen_at',
      's.created_at',
      'u.id as user_id',
      'u.username',
      'u.real_name',
      'u.department_id',
      'd.name as department_name',
      'u.roles',
      'u.status',
      'u.mfa_enabled',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(db: Db, tokenHash: string, at: Date, expiresAt: Date): Promise<void> {
  await db
    .updateTable('user_session')
    .set({ last_seen_at: at, expires_at: expiresAt })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function setSessionMfaPassed(db: Db, tokenHash: string): Promise<void> {
  await db.updateTable('user_session').set({ mfa_passed: true }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
}

export async function deleteUserSessions(db: Db, userId: string, except?: string): Promise<void> {
  let q = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (except) q = q.where('token_hash', '!=', except);
  await q.execute();
}

export async function setMfaSecret(db: Db, userId: string, secret: string | null, enabled: boolean): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ mfa_secret: secret, mfa_enabled: enabled, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string, at: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ password_hash: passwordHash, password_changed_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

export async function insertPendingPublicUser(db: Db, row: NewRow<'app_user'>): Promise<string> {
  const r = await db.insertInto('app_user').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function activatePendingUser(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ status: 'active', updated_at: new Date() })
    .where('id', '=', userId)
    .where('status', '=', 'pending')
    .execute();
}

export async function deletePendingUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('app_user').where('id', '=', userId).where('status', '=', 'pending').execute();
}
