import { sql, type Kysely } from 'kysely';

/** R-34 user centre: the datasets a public user keeps (收藏), newest first. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_favourite (
      user_id uuid not null references app_user (id) on delete cascade,
      entry_id uuid not null references catalog_entry (id),
      created_at timestamptz not null default now(),
      primary key (user_id, entry_id)
    );
    create index open_favourite_user on open_favourite (user_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table open_favourite`.execute(db);
}
