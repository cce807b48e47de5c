import { sql, type Kysely } from 'kysely';

/**
 * R-23 (Art 12, 13): the service gateway.
 *
 * share_grant gains the terms a 服务接口 grant is called under: calls per minute and per Beijing day
 * (null: the upstream's defaults) and the operations it may call (null: every operation offered).
 *
 * gw_upstream: a 服务接口 entry's upstream API — where it is, its description (OpenAPI 3 or WSDL), the
 * operations offered with the mapping of response fields to data items, how the gateway authenticates
 * to it (the secret sealed with SM4 like source passwords), timeouts and size limits. `revision` counts
 * saves; gw_upstream_revision keeps each one (what was offered when).
 * gw_system: a consuming department's system with app credentials: the app key is public, the secret is
 * sealed (HMAC needs it back); after a rotation the previous secret still works until previous_until.
 * gw_token: short-lived bearer tokens obtained with key and secret; only their SHA-256 is kept.
 * gw_nonce: nonces of signed calls, kept for twice the clock skew allowed so a replay is refused (also
 * after a restart).
 * gw_usage: calls per grant and Beijing day, counted against the daily quota, and the calls refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table share_grant
      add column calls_per_minute integer check (calls_per_minute > 0),
      add column daily_call_quota integer check (daily_call_quota > 0),
      add column operations text[];

    create table gw_upstream (
      entry_id uuid primary key references catalog_entry (id),
      base_url text not null,
      spec_kind text not null check (spec_kind in ('openapi', 'wsdl')),
      spec text,
      operations jsonb not null,
      auth_kind text not null check (auth_kind in ('none', 'header', 'token')),
      auth_config jsonb not null default '{}',
      auth_secret text,
      timeout_ms integer not null check (timeout_ms between 100 and 120000),
      max_request_bytes integer not null check (max_request_bytes > 0),
      max_response_bytes integer not null check (max_response_bytes > 0),
      calls_per_minute integer not null check (calls_per_minute > 0),
      daily_call_quota integer not null check (daily_call_quota > 0),
      revision integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      updated_by uuid references app_user (id)
    );

    create table gw_upstream_revision (
      entry_id uuid not null references gw_upstream (entry_id),
      revision integer not null,
      base_url text not null,
      operations jsonb not null,
      removed text[] not null default '{}',
      saved_at timestamptz not null,
      saved_by uuid references app_user (id),
      primary key (entry_id, revision)
    );

    create table gw_system (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department (id),
      name text not null,
      description text,
      app_key text not null unique,
      secret text not null,
      previous_secret text,
      previous_until timestamptz,
      status text not null default 'active' check (status in ('active', 'disabled')),
      created_at timestamptz not null,
      created_by uuid references app_user (id),
      rotated_at timestamptz,
      disabled_at timestamptz,
      last_used_at timestamptz
    );
    create index gw_system_department on gw_system (department_id, created_at);

    create table gw_token (
      token_hash text primary key,
      system_id uuid not null references gw_system (id),
      expires_at timestamptz not null
    );
    create index gw_token_expiry on gw_token (expires_at);

    create table gw_nonce (
      app_key text not null,
      nonce text not null,
      at timestamptz not null,
      primary key (app_key, nonce)
    );
    create index gw_nonce_at on gw_nonce (at);

    create table gw_usage (
      grant_id uuid not null references share_grant (id),
      day date not null,
      calls integer not null default 0,
      refused integer not null default 0,
      primary key (grant_id, day)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table gw_usage, gw_nonce, gw_token, gw_system, gw_upstream_revision, gw_upstream;
    alter table share_grant drop column calls_per_minute, drop column daily_call_quota, drop column operations;
  `.execute(db);
}
