import { sql, type Kysely } from 'kysely';

/**
 * The unified catalog search reads one row per catalog entry that has a current version:
 * what search matches, filters, counts and sorts on, copied from catalog_entry, its current version
 * and the provider department. Searching the normalised tables joined catalog_entry (100k rows) on
 * every query, which PostgreSQL answers with a full scan of it; with this table a search and its
 * facet counts read one table through its own indexes (bench/catalog-search measures both).
 *
 * Triggers keep it in step, so no code path that changes an entry can forget it: a row is
 * recomputed from the source tables whenever an entry, its current version or its department's
 * region changes. Which rows a user may see is still decided by the query (visibleEntriesFilter),
 * not here: this table copies statuses, it does not interpret them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table catalog_search (
      entry_id uuid primary key references catalog_entry(id) on delete cascade,
      version_id uuid not null references catalog_entry_version(id) on delete cascade,
      entry_status text not null,
      version_status text not null,
      name text not null,
      department_id uuid not null,
      region_code text not null,
      class_code text not null,
      share_type text not null,
      open_type text not null,
      format_kind text not null,
      share_methods text[] not null,
      update_cycle text not null,
      open_domains text[] not null,
      published_at timestamptz,
      search_doc tsvector
    );
    create index catalog_search_doc on catalog_search using gin (search_doc);
    -- Substrings jieba splits differently (饶市婚 in 上饶市婚姻登记) are found on the name through trigrams.
    create index catalog_search_name_trgm on catalog_search using gin (name gin_trgm_ops);
    create index catalog_search_published on catalog_search (published_at desc nulls last, entry_id);
    create index catalog_search_name on catalog_search (name, entry_id);
    create index catalog_search_department on catalog_search (department_id);

    create function catalog_search_refresh(p_entry uuid) returns void language plpgsql as $$
    begin
      delete from catalog_search where entry_id = p_entry;
      insert into catalog_search (entry_id, version_id, entry_status, version_status, name, department_id, region_code,
          class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, published_at, search_doc)
        select e.id, v.id, e.status, v.status, v.name, e.provider_department_id, d.region_code, e.class_code, v.share_type,
          v.open_type, v.format_kind, v.share_methods, v.update_cycle, v.open_domains, v.published_at, v.search_doc
        from catalog_entry e
          join catalog_entry_version v on v.id = e.current_version_id
          join department d on d.id = e.provider_department_id
        where e.id = p_entry;
    end $$;

    create function catalog_search_on_entry() returns trigger language plpgsql as $$
    begin
      perform catalog_search_refresh(new.id);
      return null;
    end $$;
    create trigger catalog_search_entry after insert or update of status, current_version_id, class_code, provider_department_id
      on catalog_entry for each row execute function catalog_search_on_entry();

    -- Drafts and versions in review change often; only the current version matters here.
    create function catalog_search_on_version() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from catalog_entry where id = new.entry_id and current_version_id = new.id) then
        perform catalog_search_refresh(new.entry_id);
      end if;
      return null;
    end $$;
    create trigger catalog_search_version
      after update of status, name, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, published_at, search_doc
      on catalog_entry_version for each row execute function catalog_search_on_version();

    create function catalog_search_on_department() returns trigger language plpgsql as $$
    begin
      update catalog_search set region_code = new.region_code where department_id = new.id;
      return null;
    end $$;
    create trigger catalog_search_department after update of region_code on department
      for each row when (old.region_code is distinct from new.region_code) execute function catalog_search_on_department();

    -- Browsing (no search text) counts facets over the whole catalog: this table holds how many
    -- entries share each combination of facet values (a few thousand rows for 100k entries), so
    -- those counts read it instead of every entry. Same column names as catalog_search, so the same
    -- filters apply to both.
    create table catalog_search_facet (
      entry_status text not null,
      version_status text not null,
      department_id uuid not null,
      region_code text not null,
      class_code text not null,
      share_type text not null,
      open_type text not null,
      format_kind text not null,
      share_methods text[] not null,
      update_cycle text not null,
      open_domains text[] not null,
      n int not null check (n >= 0),
      primary key (entry_status, version_status, department_id, region_code, class_code, share_type, open_type, format_kind,
        share_methods, update_cycle, open_domains)
    );

    create function catalog_search_count() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update catalog_search_facet f set n = f.n - 1
          where (f.entry_status, f.version_status, f.department_id, f.region_code, f.class_code, f.share_type, f.open_type,
              f.format_kind, f.share_methods, f.update_cycle, f.open_domains)
            = (old.entry_status, old.version_status, old.department_id, old.region_code, old.class_code, old.share_type,
              old.open_type, old.format_kind, old.share_methods, old.update_cycle, old.open_domains);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into catalog_search_facet as f (entry_status, version_status, department_id, region_code, class_code, share_type,
            open_type, format_kind, share_methods, update_cycle, open_domains, n)
          values (new.entry_status, new.version_status, new.department_id, new.region_code, new.class_code, new.share_type,
            new.open_type, new.format_kind, new.share_methods, new.update_cycle, new.open_domains, 1)
          on conflict (entry_status, version_status, department_id, region_code, class_code, share_type, open_type, format_kind,
            share_methods, update_cycle, open_domains) do update set n = f.n + 1;
      end if;
      return null;
    end $$;
    create trigger catalog_search_count after insert or delete or update of entry_status, version_status, department_id,
        region_code, class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains
      on catalog_search for each row execute function catalog_search_count();

    select catalog_search_refresh(id) from catalog_entry where current_version_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger catalog_search_count on catalog_search;
    drop trigger catalog_search_department on department;
    drop trigger catalog_search_version on catalog_entry_version;
    drop trigger catalog_search_entry on catalog_entry;
    drop function catalog_search_count(), catalog_search_on_department(), catalog_search_on_version(), catalog_search_on_entry(),
      catalog_search_refresh(uuid);
    drop table catalog_search_facet, catalog_search;
  `.execute(db);
}
