import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';

/** public_account (who a public user is) and account_code (the one-time codes sent to them). */

export function findLogin(db: Db, username: string) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('public_account as a', 'a.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.status', 'u.roles', 'a.contact_kind', 'a.user_id as account_user_id'])
    .where((eb) => eb(eb.fn('lower', ['u.username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

/** Accounts already holding this identity (a citizen, or this agent for this credit code). */
export function findHolders(db: Db, kind: 'citizen' | 'legal_person', idDigest: string, creditCode: string | null) {
  let q = db
    .selectFrom('public_account as a')
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .select(['a.user_id', 'u.status'])
    .where('a.kind', '=', kind)
    .where('a.id_number_digest', '=', idDigest);
  if (creditCode) q = q.where('a.credit_code', '=', creditCode);
  return q.execute();
}

export async function insertAccount(db: Db, row: NewRow<'public_account'>): Promise<void> {
  await db.insertInto('public_account').values(row).execute();
}

export async function updateAccount(db: Db, userId: string, patch: RowUpdate<'public_account'>): Promise<void> {
  await db.updateTable('public_account').set(patch).where('user_id', '=', userId).execute();
}

export function findAccount(db: Db, userId: string) {
  return db
    .selectFrom('public_account as a')
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select(['u.username', 'u.mfa_enabled'])
    .where('a.user_id', '=', userId)
    .executeTakeFirst();
}
export type AccountRow = NonNullable<Awaited<ReturnType<typeof findAccount>>>;

export async function insertCode(db: Db, row: NewRow<'account_code'>): Promise<void> {
  await db.insertInto('account_code').values(row).execute();
}

/** The newest code of this purpose: only it counts, so asking again voids the ones before. */
export function latestCode(db: Db, userId: string, purpose: 'verify_contact' | 'reset_password') {
  return db
    .selectFrom('account_code')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function countAttempt(db: Db, codeId: string): Promise<number> {
  const r = await db
    .updateTable('account_code')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', codeId)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return r.attempts;
}

export async function markCodeUsed(db: Db, codeId: string, at: Date): Promise<void> {
  await db.updateTable('account_code').set({ used_at: at }).where('id', '=', codeId).execute();
}
