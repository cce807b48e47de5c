import { sql, type Kysely } from 'kysely';

/** Foundation: organisations, accounts, sessions, audit (append-only, SM3-chained), calendar, inbox, settings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pgcrypto;

    create table region (
      code char(6) primary key,
      name text not null,
      level text not null check (level in ('province', 'city', 'county', 'zone')),
      parent_code char(6) references region(code),
      sort int not null default 0
    );

    create table department (
      id uuid primary key default gen_random_uuid(),
      credit_code char(18) not null unique,
      name text not null unique,
      short_name text,
      kind text not null check (kind in ('government', 'institution', 'social_organisation', 'public_enterprise')),
      region_code char(6) not null references region(code),
      parent_id uuid references department(id),
      status text not null default 'active' check (status in ('active', 'inactive')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table app_user (
      id uuid primary key default gen_random_uuid(),
      username text not null,
      real_name text not null,
      department_id uuid references department(id),
      roles text[] not null default '{}',
      email text,
      phone text,
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      status text not null default 'active' check (status in ('active', 'disabled')),
      failed_logins int not null default 0,
      locked_until timestamptz,
      mfa_secret text,
      mfa_enabled boolean not null default false,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index app_user_username_lower on app_user (lower(username));

    create table user_session (
      token_hash char(64) primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      kind text not null check (kind in ('cookie', 'bearer')),
      mfa_passed boolean not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index user_session_user on user_session (user_id);

    create table specialist (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department(id),
      user_id uuid references app_user(id),
      name text not null,
      title text,
      phone text,
      mobile text not null,
      email text,
      active_from date not null,
      active_to date,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index specialist_department on specialist (department_id);

    create table specialist_change (
      id bigserial primary key,
      specialist_id uuid not null references specialist(id),
      changed_at timestamptz not null default now(),
      changed_by uuid references app_user(id),
      action text not null check (action in ('create', 'update', 'retire')),
      before jsonb,
      after jsonb not null
    );
    create index specialist_change_specialist on specialist_change (specialist_id, id);

    create table audit_event (
      seq bigint primary key,
      at timestamptz not null,
      user_id uuid,
      username text,
      real_name text,
      department_id uuid,
      department_name text,
      roles text[] not null default '{}',
      category text not null,
      action text not null,
      target_type text,
      target_id text,
      row_count int,
      ip text,
      user_agent text,
      outcome text not null check (outcome in ('success', 'denied', 'failed')),
      status_code int,
      detail jsonb,
      prev_hash char(64) not null,
      hash char(64) not null
    );
    create index audit_event_at on audit_event (at);
    create index audit_event_user on audit_event (user_id, at);
    create index audit_event_category on audit_event (category, at);

    -- The chain's head: serialises appends and lets verification notice a deleted tail.
    create table audit_head (
      id int primary key check (id = 1),
      seq bigint not null,
      hash char(64) not null
    );
    insert into audit_head values (1, 0, repeat('0', 64));

    create table setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now(),
      updated_by uuid
    );
    insert into setting (key, value) values ('audit.retention_months', '6');

    -- Append-only: rows inside the retention period can be neither changed nor removed, by anyone.
    create function audit_event_guard() returns trigger language plpgsql as $fn$
    declare keep_months int;
    begin
      if tg_op = 'UPDATE' or tg_op = 'TRUNCATE' then
        raise exception 'audit_event is append-only' using errcode = 'insufficient_privilege';
      end if;
      select greatest(6, (value #>> '{}')::int) into keep_months from setting where key = 'audit.retention_months';
      if old.at > now() - make_interval(months => coalesce(keep_months, 6)) then
        raise exception 'audit_event rows inside the retention period cannot be deleted' using errcode = 'insufficient_privilege';
      end if;
      return old;
    end $fn$;
    create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_guard();
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_guard();

    create table calendar_day (
      day date primary key,
      is_off_day boolean not null,
      name text,
      source text not null check (source in ('import', 'manual')),
      updated_at timestamptz not null default now(),
      updated_by uuid
    );

    create table notification (
      id bigserial primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      kind text not null,
      title text not null,
      body text,
      link text,
      payload jsonb,
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index notification_user on notification (user_id, id desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table notification, calendar_day, audit_head, audit_event, setting, specialist_change, specialist,
      user_session, app_user, department, region cascade;
    drop function audit_event_guard;
  `.execute(db);
}
