import { sql, type Kysely } from 'kysely';

/**
 * Traceable downloads (Art 18, R-43): every file a consumer department exports under a grant, or a
 * signed-in public user downloads from the open portal, carries a random 64-bit mark spread over
 * its rows; this is what each mark was given to, so a leaked file (or a fragment of it) names its
 * source. Names are kept as they were at the time, as the audit log keeps them. Never deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table download_mark (
      mark bigint primary key,
      channel text not null check (channel in ('grant', 'open')),
      format text not null,
      resource_code text not null,
      entry_id uuid not null,
      grant_id uuid,
      grant_no text,
      department_id uuid,
      department_name text,
      user_id uuid,
      username text,
      real_name text,
      ip text,
      created_at timestamptz not null default now(),
      row_count integer,
      complete boolean
    );
    create index download_mark_user on download_mark (user_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table download_mark`.execute(db);
}
