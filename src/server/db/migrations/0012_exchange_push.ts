import { sql, type Kysely } from 'kysely';

/**
 * R-21 push jobs: a consumer department has the items of its 库表 grant delivered, masked per grant,
 * into a table of its own PostgreSQL or MySQL database (registered like a source). `exchange_push`
 * is that delivery's configuration; `exchange_push_run` one run with its checkpoint (the last row
 * key written), so a run killed mid-way resumes after the rows the target already holds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exchange_push (
      id uuid primary key default gen_random_uuid(),
      grant_id uuid not null unique references share_grant (id),
      entry_id uuid not null references catalog_entry (id),
      department_id uuid not null references department (id),
      target_id uuid not null references exchange_source (id),
      target_table text not null,
      scheduled boolean not null default true,
      -- The center run (exchange_run.id) whose rows the target holds up to: incremental pushes send rows loaded after it.
      pushed_center_run bigint,
      created_by uuid not null references app_user (id),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index exchange_push_entry on exchange_push (entry_id);

    create table exchange_push_run (
      id bigserial primary key,
      push_id uuid not null references exchange_push (id) on delete cascade,
      mode text not null check (mode in ('full', 'incremental')),
      status text not null check (status in ('running', 'done', 'failed')),
      started_at timestamptz not null,
      heartbeat_at timestamptz not null,
      finished_at timestamptz,
      source_rows bigint,
      rows_written bigint not null default 0,
      -- The center's last run when this push started: rows up to it are what this run delivers.
      center_run bigint,
      -- {key, batch}: the center row key (_gs_key) of the last row sent, and that batch's number in the target's stage.
      checkpoint jsonb,
      reconciliation jsonb,
      error text,
      started_by uuid references app_user (id)
    );
    create index exchange_push_run_push on exchange_push_run (push_id, id desc);
    create unique index exchange_push_run_one_running on exchange_push_run (push_id) where status = 'running';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_push_run, exchange_push`.execute(db);
}
