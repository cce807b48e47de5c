import { sql, type Kysely } from 'kysely';

/**
 * search_generation.n counts the changes to what a search result is made of: the search table
 * (which entries match, and who may see them) and the names its facets show (departments, regions,
 * classes, open domains). A process keeps recent results while n stays what it was when they were
 * computed (catalog/search-cache.ts), so a result is never served after a change it would show, in
 * any process. A statement-level trigger on each table bumps n once per transaction: a
 * transaction's changes become visible together with its one new generation, and a bulk change
 * (an import, a trigger refreshing thousands of search rows) does not update the one row thousands
 * of times, each update slower than the last as its dead versions pile up.
 */
const TABLES = ['catalog_search', 'department', 'region', 'catalog_class', 'open_domain'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table search_generation (
      only_row boolean primary key default true check (only_row),
      n bigint not null
    );
    insert into search_generation (n) values (0);
    create function search_generation_bump() returns trigger language plpgsql as $$
    begin
      if current_setting('govshare.search_generation_bumped', true) is distinct from txid_current()::text then
        update search_generation set n = n + 1;
        perform set_config('govshare.search_generation_bumped', txid_current()::text, true);
      end if;
      return null;
    end $$;
  `.execute(db);
  for (const t of TABLES)
    await sql`create trigger ${sql.id(`${t}_search_generation`)} after insert or update or delete or truncate on ${sql.id(t)}
      for each statement execute function search_generation_bump()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) await sql`drop trigger ${sql.id(`${t}_search_generation`)} on ${sql.id(t)}`.execute(db);
  await sql`drop function search_generation_bump(); drop table search_generation;`.execute(db);
}
