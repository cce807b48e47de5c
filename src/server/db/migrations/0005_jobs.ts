import { sql, type Kysely } from 'kysely';

/**
 * Background jobs and timers (DESIGN.md "jobs, timers"): one small table claimed with
 * FOR UPDATE SKIP LOCKED, so PGlite and PostgreSQL run the same code and two app processes on one
 * PostgreSQL never run a job twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table job (
      id bigserial primary key,
      kind text not null,
      run_at timestamptz not null,
      payload jsonb not null default '{}',
      dedupe_key text,
      status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
      attempts int not null default 0,
      max_attempts int not null default 5 check (max_attempts >= 1),
      locked_by text,
      locked_at timestamptz,
      last_error text,
      finished_at timestamptz,
      created_at timestamptz not null
    );
    -- What a worker polls for.
    create index job_due on job (run_at) where status = 'pending';
    -- What the stale-lock sweep looks at.
    create index job_running on job (locked_at) where status = 'running';
    -- At most one pending job per key: a key may be reused once its job ran (a periodic task's next
    -- run, a deadline re-armed after a change), but two processes scheduling the same thing get one row.
    create unique index job_dedupe_pending on job (dedupe_key) where status = 'pending';
    create index job_finished on job (finished_at) where status in ('done', 'failed');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table job`.execute(db);
}
