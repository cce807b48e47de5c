import { sql, type Kysely } from 'kysely';

/**
 * R-27 data quality: one snapshot per resource after each load — completeness, accuracy (formats and
 * check digits), timeliness and availability — kept as history for the entry page and assessment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exchange_quality (
      id bigserial primary key,
      entry_id uuid not null references catalog_entry (id),
      run_id bigint references exchange_run (id) on delete set null,
      at timestamptz not null,
      row_count bigint not null,
      completeness numeric(5,4) not null,
      accuracy numeric(5,4),
      availability numeric(5,4) not null,
      -- per column: {column, name, filled, checked, invalid, rule}
      columns jsonb not null
    );
    create index exchange_quality_entry on exchange_quality (entry_id, id desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_quality`.execute(db);
}
