import { sql, type Kysely } from 'kysely';

/**
 * R-30/R-33 (Art 19–20): the open portal shows an entry only after a recorded confidentiality review
 * (保密审查) by its provider and by the platform, of the version it shows.
 *
 * catalog_entry.portal_version_id: the version the portal may show (set when both reviews pass,
 * cleared on withdrawal). A later version is not on the portal until it is reviewed again, so
 * nothing reaches the public unreviewed. catalog_search copies whether the current version is that
 * one (portal_open), and catalog_search_facet counts by it, so public searches and their facets
 * filter on a column like every other.
 *
 * open_review: each review with its reviewer, the four checks of Art 20 and the conclusion;
 * open_dataset: where an open entry stands on its way to the portal, and how much it is used.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table catalog_entry add column portal_version_id uuid references catalog_entry_version (id);
    alter table catalog_search add column portal_open boolean not null default false;
    alter table catalog_search_facet add column portal_open boolean not null default false;
    alter table catalog_search_facet drop constraint catalog_search_facet_pkey;
    alter table catalog_search_facet add primary key (entry_status, version_status, department_id, region_code, class_code,
      share_type, open_type, format_kind, share_methods, update_cycle, open_domains, portal_open);

    create or replace function catalog_search_refresh(p_entry uuid) returns void language plpgsql as $$
    begin
      delete from catalog_search where entry_id = p_entry;
      insert into catalog_search (entry_id, version_id, entry_status, version_status, name, department_id, region_code,
          class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, published_at, search_doc,
          portal_open)
        select e.id, v.id, e.status, v.status, v.name, e.provider_department_id, d.region_code, e.class_code, v.share_type,
          v.open_type, v.format_kind, v.share_methods, v.update_cycle, v.open_domains, v.published_at, v.search_doc,
          coalesce(e.portal_version_id = v.id, false)
        from catalog_entry e
          join catalog_entry_version v on v.id = e.current_version_id
          join department d on d.id = e.provider_department_id
        where e.id = p_entry;
    end $$;

    drop trigger catalog_search_entry on catalog_entry;
    create trigger catalog_search_entry
      after insert or update of status, current_version_id, class_code, provider_department_id, portal_version_id
      on catalog_entry for each row execute function catalog_search_on_entry();

    create or replace function catalog_search_count() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update catalog_search_facet f set n = f.n - 1
          where (f.entry_status, f.version_status, f.department_id, f.region_code, f.class_code, f.share_type, f.open_type,
              f.format_kind, f.share_methods, f.update_cycle, f.open_domains, f.portal_open)
            = (old.entry_status, old.version_status, old.department_id, old.region_code, old.class_code, old.share_type,
              old.open_type, old.format_kind, old.share_methods, old.update_cycle, old.open_domains, old.portal_open);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into catalog_search_facet as f (entry_status, version_status, department_id, region_code, class_code, share_type,
            open_type, format_kind, share_methods, update_cycle, open_domains, portal_open, n)
          values (new.entry_status, new.version_status, new.department_id, new.region_code, new.class_code, new.share_type,
            new.open_type, new.format_kind, new.share_methods, new.update_cycle, new.open_domains, new.portal_open, 1)
          on conflict (entry_status, version_status, department_id, region_code, class_code, share_type, open_type, format_kind,
            share_methods, update_cycle, open_domains, portal_open) do update set n = f.n + 1;
      end if;
      return null;
    end $$;
    drop trigger catalog_search_count on catalog_search;
    create trigger catalog_search_count after insert or delete or update of entry_status, version_status, department_id,
        region_code, class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, portal_open
      on catalog_search for each row execute function catalog_search_count();

    -- The portal's own masking channel (R-31, R-43): what the public gets may differ from what a department gets.
    alter table exchange_masking drop constraint exchange_masking_channel_check;
    alter table exchange_masking add constraint exchange_masking_channel_check
      check (channel in ('*', 'table', 'file', 'api', 'open'));

    create table open_dataset (
      entry_id uuid primary key references catalog_entry (id) on delete cascade,
      -- The version under review, or on the portal once open.
      version_id uuid not null references catalog_entry_version (id),
      status text not null check (status in ('platform_review', 'open', 'refused', 'withdrawn')),
      opened_at timestamptz,
      withdrawn_at timestamptz,
      withdrawn_by uuid references app_user (id),
      withdrawn_reason text,
      view_count bigint not null default 0,
      download_count bigint not null default 0,
      api_call_count bigint not null default 0,
      updated_at timestamptz not null default now()
    );
    create index open_dataset_status on open_dataset (status);

    create table open_review (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry (id) on delete cascade,
      version_id uuid not null references catalog_entry_version (id),
      stage text not null check (stage in ('provider', 'platform')),
      reviewer_id uuid not null references app_user (id),
      -- Art 20's four questions, each answered: {stateSecret, commercialSecret, personalPrivacy, publicSafety} → 'clear' | 'concern'.
      checklist jsonb not null,
      conclusion text not null check (conclusion in ('pass', 'fail')),
      opinion text,
      created_at timestamptz not null default now()
    );
    create index open_review_entry on open_review (entry_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table open_review, open_dataset;
    delete from exchange_masking where channel = 'open';
    alter table exchange_masking drop constraint exchange_masking_channel_check;
    alter table exchange_masking add constraint exchange_masking_channel_check check (channel in ('*', 'table', 'file', 'api'));
    drop trigger catalog_search_count on catalog_search;
    drop trigger catalog_search_entry on catalog_entry;
    truncate catalog_search, catalog_search_facet;
    alter table catalog_search_facet drop column portal_open;
    alter table catalog_search_facet add primary key (entry_status, version_status, department_id, region_code, class_code,
      share_type, open_type, format_kind, share_methods, update_cycle, open_domains);
    alter table catalog_search drop column portal_open;
    alter table catalog_entry drop column portal_version_id;

    create or replace function catalog_search_refresh(p_entry uuid) returns void language plpgsql as $$
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
    create trigger catalog_search_entry after insert or update of status, current_version_id, class_code, provider_department_id
      on catalog_entry for each row execute function catalog_search_on_entry();

    create or replace function catalog_search_count() returns trigger language plpgsql as $$
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
