import { sql, type Kysely } from 'kysely';

/**
 * R-16/R-19 (Art 14, 18): a grant's conditions as terms every data path enforces, besides the free
 * text. bulk_export: a 库表 grant may also be taken whole as a CSV/XLSX/JSON export (push alone when
 * off); daily_row_cap: rows the query API may return per day (Beijing date) under the grant;
 * ip_ranges: where calls under the grant may come from (none: anywhere).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table share_grant
      add column bulk_export boolean not null default false,
      add column daily_row_cap integer check (daily_row_cap > 0),
      -- CIDR text (checked by the service; the gateway compares in Node): portable and read as string[].
      add column ip_ranges text[] not null default '{}';
    -- Table grants made before the terms existed allowed exports: they keep that.
    update share_grant set bulk_export = true where method = 'table';

    -- Rows delivered under a grant per day, counted against daily_row_cap (reserved before the read).
    create table share_grant_usage (
      grant_id uuid not null references share_grant (id),
      day date not null,
      rows integer not null default 0 check (rows >= 0),
      primary key (grant_id, day)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table share_grant_usage;
    alter table share_grant drop column bulk_export, drop column daily_row_cap, drop column ip_ranges;
  `.execute(db);
}
