import { sql, type Kysely } from 'kysely';

/**
 * R-43 masking configured per data item and channel. A row holds the rule (a canonical text spec,
 * see platform/masking/spec.ts) for one managed column of an entry, for every channel ('*') or one
 * channel's override. Keyed by the column name, not the item id: item ids change with every
 * catalog version while the field (and so the managed column) usually stays.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exchange_masking (
      entry_id uuid not null references catalog_entry (id),
      field_name text not null,
      channel text not null check (channel in ('*', 'table', 'file', 'api')),
      rule text not null check (length(rule) between 1 and 500),
      updated_by uuid not null references app_user (id),
      updated_at timestamptz not null,
      primary key (entry_id, field_name, channel)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_masking`.execute(db);
}
