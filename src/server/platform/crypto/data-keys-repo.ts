import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** data_key: the wrapped SM4 data keys (key-ring.ts). */

export const currentKey = (db: Db, purpose: 'data' | 'lookup') =>
  db
    .selectFrom('data_key')
    .select(['kid', 'master_fingerprint'])
    .where('purpose', '=', purpose)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();

export const findKey = (db: Db, kid: string) =>
  db.selectFrom('data_key').selectAll().where('kid', '=', kid).executeTakeFirst();

export const allKeys = (db: Db) => db.selectFrom('data_key').selectAll().orderBy('created_at').execute();

/** Data keys superseded by a rotation that has not yet retired them (it was interrupted). */
export const supersededKeys = (db: Db) =>
  db
    .selectFrom('data_key')
    .select('kid')
    .where('purpose', '=', 'data')
    .where('superseded_at', 'is not', null)
    .where('retired_at', 'is', null)
    .execute();

/** Adds a current key unless another process just did (the one-current index keeps theirs). */
export async function insertKey(db: Db, row: NewRow<'data_key'>): Promise<void> {
  await db
    .insertInto('data_key')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function supersedeCurrent(db: Db, purpose: 'data' | 'lookup', at: Date): Promise<void> {
  await db
    .updateTable('data_key')
    .set({ superseded_at: at })
    .where('purpose', '=', purpose)
    .where('superseded_at', 'is', null)
    .execute();
}

export async function retire(db: Db, kids: string[], at: Date): Promise<void> {
  if (!kids.length) return;
  await db.updateTable('data_key').set({ retired_at: at }).where('kid', 'in', kids).execute();
}

/** Replaces a key's wrapping, only where the expected master key still wraps it (another run may have done it). */
export async function rewrap(db: Db, kid: string, fromFingerprint: string, wrapped: string, fingerprint: string) {
  const r = await db
    .updateTable('data_key')
    .set({ wrapped, master_fingerprint: fingerprint })
    .where('kid', '=', kid)
    .where('master_fingerprint', '=', fromFingerprint)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
