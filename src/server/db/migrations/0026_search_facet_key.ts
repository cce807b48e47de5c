import { sql, type Kysely } from 'kysely';

/**
 * Each search row names its combination of facet values (catalog_search.facet_id →
 * catalog_search_facet.id), so a text search counts its facets by grouping its matches on one
 * integer and reads the combinations' values from the few rows of catalog_search_facet, instead of
 * grouping thousands of matches on nine columns, two of them arrays (bench/portal: a third of a
 * search's time went there).
 *
 * The counting moves into a BEFORE trigger, which is where the row's facet_id can be set: it adds
 * one to the new combination (creating it if new) and takes its id; the AFTER trigger takes one from
 * the old combination by id. Both fire on the same columns, so an update that leaves the
 * combination as it was adds one and takes one from the same row.
 */
const COLUMNS = [
  'entry_status',
  'version_status',
  'department_id',
  'region_code',
  'class_code',
  'share_type',
  'open_type',
  'format_kind',
  'share_methods',
  'update_cycle',
  'open_domains',
  'portal_open',
];
/** The combination's columns, of the row named `of` if given (catalog_search_facet's primary key). */
const combination = (of?: string) => sql.raw(COLUMNS.map((c) => (of ? `${of}.${c}` : c)).join(', '));

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table catalog_search_facet add column id int generated always as identity;
    alter table catalog_search_facet add constraint catalog_search_facet_id_key unique (id);
    alter table catalog_search add column facet_id int;
    update catalog_search s set facet_id = f.id from catalog_search_facet f
      where (${combination('f')})
        = (${combination('s')});
    alter table catalog_search alter column facet_id set not null;

    drop trigger catalog_search_count on catalog_search;
    drop function catalog_search_count();

    create function catalog_search_count_new() returns trigger language plpgsql as $$
    begin
      insert into catalog_search_facet as f (${combination()}, n) values (${combination('new')}, 1)
        on conflict (${combination()}) do update set n = f.n + 1
        returning f.id into new.facet_id;
      return new;
    end $$;
    create trigger catalog_search_count_new before insert or update of ${combination()}
      on catalog_search for each row execute function catalog_search_count_new();

    create function catalog_search_count_old() returns trigger language plpgsql as $$
    begin
      update catalog_search_facet set n = n - 1 where id = old.facet_id;
      return null;
    end $$;
    create trigger catalog_search_count_old after delete or update of ${combination()}
      on catalog_search for each row execute function catalog_search_count_old();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger catalog_search_count_old on catalog_search;
    drop trigger catalog_search_count_new on catalog_search;
    drop function catalog_search_count_old(), catalog_search_count_new();

    create function catalog_search_count() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update catalog_search_facet f set n = f.n - 1
          where (${combination('f')})
            = (${combination('old')});
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into catalog_search_facet as f (${combination()}, n) values (${combination('new')}, 1)
          on conflict (${combination()}) do update set n = f.n + 1;
      end if;
      return null;
    end $$;
    create trigger catalog_search_count after insert or delete or update of ${combination()}
      on catalog_search for each row execute function catalog_search_count();

    alter table catalog_search drop column facet_id;
    alter table catalog_search_facet drop column id;
  `.execute(db);
}
