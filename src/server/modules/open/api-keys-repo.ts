import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/**
 * open API keys and their daily usage. Every read of a user's keys carries `user_id = owner`
 * in its WHERE clause: another account's key is not found, whatever id is asked for.
 */

const KEY_COLUMNS = [
  'id',
  'user_id',
  'name',
  'prefix',
  'status',
  'rate_per_minute',
  'daily_quota',
  'created_at',
  'revoked_at',
  'last_used_at',
] as const;

export type KeyRow = Awaited<ReturnType<typeof listKeys>>[number];

export function listKeys(db: Db, userId: string) {
  return db
    .selectFrom('open_api_key')
    .select(KEY_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('status')
    .orderBy('created_at', 'desc')
    .execute();
}

export function findKey(db: Db, userId: string, id: string) {
  return db
    .selectFrom('open_api_key')
    .select(KEY_COLUMNS)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Serialises key creation per user (the active-key limit is counted under this lock). */
export async function lockUser(db: Db, userId: string): Promise<void> {
  await db.selectFrom('app_user').select('id').where('id', '=', userId).forUpdate().execute();
}

export async function countActive(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('open_api_key')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function insertKey(db: Db, row: NewRow<'open_api_key'>) {
  return db.insertInto('open_api_key').values(row).returning(KEY_COLUMNS).executeTakeFirstOrThrow();
}

export async function revokeKey(db: Db, userId: string, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('open_api_key')
    .set({ status: 'revoked', revoked_at: at })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The key a call presents, by its hash, with the owner the audit log names. */
export function keyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('open_api_key as k')
    .innerJoin('app_user as u', 'u.id', 'k.user_id')
    .select([
      'k.id',
      'k.user_id',
      'k.prefix',
      'k.status',
      'k.rate_per_minute',
      'k.daily_quota',
      'u.username',
      'u.real_name',
      'u.roles',
      'u.status as user_status',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
}

/**
 * Counts one answered call against the day's quota in one statement: the row's lock orders
 * concurrent calls, and the update happens only while calls < quota. Returns the day's calls after
 * this one, or null when the quota was already used up (nothing counted).
 */
export async function takeCall(db: Db, keyId: string, day: string, quota: number): Promise<number | null> {
  const r = await sql<{ calls: number }>`
    insert into open_api_usage as u (key_id, day, calls) values (${keyId}, ${day}, 1)
    on conflict (key_id, day) do update set calls = u.calls + 1 where u.calls < ${quota}
    returning calls`.execute(db);
  return r.rows[0]?.calls ?? null;
}

/** A call refused with 429 (rate or quota). */
export async function countRefused(db: Db, keyId: string, day: string): Promise<void> {
  await sql`
    insert into open_api_usage as u (key_id, day, refused) values (${keyId}, ${day}, 1)
    on conflict (key_id, day) do update set refused = u.refused + 1`.execute(db);
}

/** Rows a call returned, added once the answer is known. */
export async function addRows(db: Db, keyId: string, day: string, rows: number): Promise<void> {
  if (rows <= 0) return;
  await db
    .updateTable('open_api_usage')
    .set((eb) => ({ rows: eb('rows', '+', String(rows)) }))
    .where('key_id', '=', keyId)
    .where('day', '=', day)
    .execute();
}

/** Written at most once a minute per key, so a busy key does not write its row on every call. */
export async function touchKey(db: Db, keyId: string, at: Date): Promise<void> {
  await db
    .updateTable('open_api_key')
    .set({ last_used_at: at })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))]))
    .execute();
}

/** A key's usage per day from `from` (Beijing date), owner-filtered. */
export function usageOf(db: Db, userId: string, keyId: string, from: string) {
  return db
    .selectFrom('open_api_usage as u')
    .innerJoin('open_api_key as k', 'k.id', 'u.key_id')
    .select(['u.day', 'u.calls', 'u.rows', 'u.refused'])
    .where('k.user_id', '=', userId)
    .where('u.key_id', '=', keyId)
    .where('u.day', '>=', from)
    .orderBy('u.day')
    .execute();
}

/** Today's calls of each of the user's keys. */
export function todayOf(db: Db, userId: string, day: string) {
  return db
    .selectFrom('open_api_usage as u')
    .innerJoin('open_api_key as k', 'k.id', 'u.key_id')
    .select(['u.key_id', 'u.calls', 'u.refused'])
    .where('k.user_id', '=', userId)
    .where('u.day', '=', day)
    .execute();
}
