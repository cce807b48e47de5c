import { sql, type Kysely } from 'kysely';

/**
 * R-04 Excel imports as jobs on the job table: the import's progress and outcome live here, so any
 * app process behind the load balancer answers the uploader's poll, and any process's job runner
 * can do the work. The workbook itself waits in FILES_DIR (shared storage when there are several
 * servers), named after the import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table catalog_import (
      id uuid primary key,
      -- Only the uploader sees the import; the work is done as them (their department, their rights).
      owner_id uuid not null,
      actor jsonb not null,
      file_name text not null,
      job_id bigint not null,
      status text not null default 'validating' check (status in ('validating', 'importing', 'done', 'failed')),
      total int not null default 0,
      processed int not null default 0,
      errors jsonb,
      error jsonb,
      created jsonb,
      started_at timestamptz not null,
      finished_at timestamptz,
      -- Written with progress by the process doing the work: another leaves a live import alone.
      heartbeat_at timestamptz
    );
    -- One import at a time per user, whichever server took the upload.
    create unique index catalog_import_one_running on catalog_import (owner_id) where finished_at is null;
    create index catalog_import_finished on catalog_import (finished_at) where finished_at is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table catalog_import`.execute(db);
}
