import { sql } from 'kysely';
import type { Db } from '../app-context';

/** Serialises seeding between instances that start together on one PostgreSQL; released at commit. */
export async function lockSeeding(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('govshare.demo-seed'))`.execute(trx);
}

/** A published demo entry by its name and provider (names repeat across counties). */
export async function publishedEntryId(db: Db, name: string, departmentId: string): Promise<string> {
  const r = await db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select('e.id')
    .where('v.name', '=', name)
    .where('e.provider_department_id', '=', departmentId)
    .where('e.status', '=', 'published')
    .executeTakeFirst();
  if (!r) throw new Error(`demo data: no published entry ${name}`);
  return r.id;
}
