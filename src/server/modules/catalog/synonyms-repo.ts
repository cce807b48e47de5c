import type { Db } from '../../app-context';

export function listSynonymGroups(db: Db) {
  return db.selectFrom('search_synonym').select(['terms', 'updated_at']).orderBy('terms').execute();
}

/** Replaces the whole dictionary (the admin edits it as one list). */
export async function replaceSynonymGroups(db: Db, groups: string[][], userId: string, at: Date): Promise<void> {
  await db.deleteFrom('search_synonym').execute();
  if (groups.length)
    await db
      .insertInto('search_synonym')
      .values(groups.map((terms) => ({ terms, updated_by: userId, updated_at: at })))
      .execute();
}
