import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** instance_key: the instance's SM2 signing keys. */

export const currentKey = (db: Db) =>
  db.selectFrom('instance_key').selectAll().where('retired_at', 'is', null).executeTakeFirst();

export const findKey = (db: Db, kid: string) =>
  db.selectFrom('instance_key').selectAll().where('kid', '=', kid).executeTakeFirst();

export const allKeys = (db: Db) =>
  db
    .selectFrom('instance_key')
    .select(['kid', 'algorithm', 'public_key', 'created_at', 'retired_at'])
    .orderBy('created_at', 'desc')
    .execute();

/** Adds a current key unless another process just did (the one-current index keeps theirs). */
export async function insertCurrentKey(db: Db, row: NewRow<'instance_key'>): Promise<void> {
  await db
    .insertInto('instance_key')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function retireCurrentKey(db: Db, at: Date): Promise<void> {
  await db.updateTable('instance_key').set({ retired_at: at }).where('retired_at', 'is', null).execute();
}
