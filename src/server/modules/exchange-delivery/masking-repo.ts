import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** R-43 masking configuration rows of an entry (exchange_masking). */

export function rulesOfEntry(db: Db, entryId: string) {
  return db
    .selectFrom('exchange_masking')
    .selectAll()
    .where('entry_id', '=', entryId)
    .orderBy('field_name')
    .orderBy('channel')
    .execute();
}

/** Replaces an entry's whole configuration; the caller runs it in a transaction. */
export async function replaceRules(
  db: Db,
  entryId: string,
  rows: ReadonlyArray<NewRow<'exchange_masking'>>,
): Promise<void> {
  await db.deleteFrom('exchange_masking').where('entry_id', '=', entryId).execute();
  if (rows.length)
    await db
      .insertInto('exchange_masking')
      .values([...rows])
      .execute();
}
