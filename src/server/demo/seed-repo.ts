import { sql } from 'kysely';
import type { Db } from '../app-context';

/** Serialises seeding between instances that start together on one PostgreSQL; released at commit. */
export async function lockSeeding(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('govshare.demo-seed'))`.execute(trx);
}
