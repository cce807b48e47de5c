import { sql, type Kysely } from 'kysely';

/**
 * free API keys for the open API, and what each key used per Beijing day.
 *
 * open_api_key: a registered user's key. Only the SHA-256 of the key is stored (it is shown once,
 * at creation); `prefix` is its first characters, shown so the owner can tell keys apart. Limits
 * live on the key so one can be raised for a heavy user without a release.
 * open_api_usage: per key and Beijing date, the calls answered (counted against daily_quota, so the
 * quota survives a restart), the rows they returned, and the calls refused with 429.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_api_key (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user (id) on delete cascade,
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      status text not null default 'active' check (status in ('active', 'revoked')),
      rate_per_minute integer not null check (rate_per_minute > 0),
      daily_quota integer not null check (daily_quota > 0),
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create index open_api_key_user on open_api_key (user_id, created_at);

    create table open_api_usage (
      key_id uuid not null references open_api_key (id) on delete cascade,
      day date not null,
      calls integer not null default 0,
      rows bigint not null default 0,
      refused integer not null default 0,
      primary key (key_id, day)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table open_api_usage, open_api_key;`.execute(db);
}
