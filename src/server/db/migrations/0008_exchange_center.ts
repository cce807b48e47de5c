import { sql, type Kysely } from 'kysely';

/**
 * The data resource center: every 库表 entry's rows live in a managed table in schema
 * `rc`, filled by table jobs from the provider's registered source. `exchange_binding` says where an
 * entry's rows come from; `exchange_run` is one pull with its checkpoint, so a run killed mid-way
 * resumes where its last committed batch ended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create schema if not exists rc;

    -- Which managed table belongs to which entry, and which version's items shaped it.
    create table exchange_managed_table (
      entry_id uuid primary key references catalog_entry (id),
      table_name text not null unique,
      version_id uuid not null references catalog_entry_version (id),
      columns jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table exchange_binding (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null unique references catalog_entry (id),
      source_id uuid not null references exchange_source (id),
      source_schema text not null,
      source_table text not null,
      key_columns text[] not null check (cardinality(key_columns) between 1 and 4),
      watermark_column text,
      -- [{itemId, fieldName, sourceColumn}]: which source column fills which data item.
      column_map jsonb not null,
      scheduled boolean not null default true,
      -- {key, watermark} of the last row of the last finished incremental pull: the next one starts after it.
      last_checkpoint jsonb,
      created_by uuid not null references app_user (id),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table exchange_run (
      id bigserial primary key,
      binding_id uuid not null references exchange_binding (id) on delete cascade,
      entry_id uuid not null references catalog_entry (id),
      mode text not null check (mode in ('full', 'incremental')),
      status text not null check (status in ('running', 'done', 'failed')),
      started_at timestamptz not null,
      heartbeat_at timestamptz not null,
      finished_at timestamptz,
      source_rows bigint,
      rows_read bigint not null default 0,
      rows_written bigint not null default 0,
      rows_deleted bigint not null default 0,
      -- {key: [...], watermark}: the last row of the last committed batch.
      checkpoint jsonb,
      reconciliation jsonb,
      error text,
      started_by uuid references app_user (id)
    );
    create index exchange_run_binding on exchange_run (binding_id, id desc);
    -- One unfinished run per binding: a second start resumes it instead.
    create unique index exchange_run_one_running on exchange_run (binding_id) where status = 'running';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_run, exchange_binding, exchange_managed_table; drop schema rc cascade`.execute(db);
}
