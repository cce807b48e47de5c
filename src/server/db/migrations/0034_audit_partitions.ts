import { sql, type Kysely } from 'kysely';

/**
 * The audit log pushed to the departments concerned and kept by policy (issue 15, point 1; R-42, Art 25).
 *
 * Parties: an event about a department's data (a resource it provides, a request or grant on it) names
 * that department as provider, and the department that used it as consumer, written with the event
 * (hashed into its link when set, as target_name is), so each department's view of the log is a query
 * filter over the one log — its own events, and those naming it as provider or consumer.
 *
 * Partitions: the log is partitioned by the month of `at`, so the retention job drops a month whole
 * (after verifying it and writing a signed checkpoint, audit_checkpoint) instead of deleting rows one
 * by one under the append-only guard. `audit_event_ensure_partition` makes a month's partition; months
 * with none yet (a clock far ahead) land in the default partition, which is never dropped. Rows of
 * the default partition keep it from taking a month that already has some there: that month stays in
 * the default partition.
 *
 * A primary key of a partitioned table must hold the partition key: (id, at). seq had no unique index
 * since 0015 either; verification reports a repeated seq.
 */
/**
 * 0017's guard, the parties included when `parties`: sealing fills seq and the links, nothing else;
 * rows inside the retention period are never deleted.
 */
const guard = (parties: boolean) =>
  sql.raw(`create or replace function audit_event_guard() returns trigger language plpgsql as $fn$
    declare keep_months int;
    begin
      if tg_op = 'UPDATE' then
        if old.seq is null and new.seq is not null and new.id = old.id and new.at = old.at
          and new.user_id is not distinct from old.user_id and new.username is not distinct from old.username
          and new.real_name is not distinct from old.real_name
          and new.department_id is not distinct from old.department_id
          and new.department_name is not distinct from old.department_name and new.roles = old.roles
          and new.category = old.category and new.action = old.action
          and new.target_type is not distinct from old.target_type and new.target_id is not distinct from old.target_id
          and new.target_name is not distinct from old.target_name
          and new.row_count is not distinct from old.row_count and new.ip is not distinct from old.ip
          and new.user_agent is not distinct from old.user_agent and new.outcome = old.outcome
          and new.status_code is not distinct from old.status_code and new.detail is not distinct from old.detail
          ${
            parties
              ? `and new.provider_department_id is not distinct from old.provider_department_id
          and new.consumer_department_id is not distinct from old.consumer_department_id`
              : ''
          } then
          return new;
        end if;
        raise exception 'audit_event is append-only' using errcode = 'insufficient_privilege';
      end if;
      if tg_op = 'TRUNCATE' then
        raise exception 'audit_event is append-only' using errcode = 'insufficient_privilege';
      end if;
      select greatest(6, (value #>> '{}')::int) into keep_months from setting where key = 'audit.retention_months';
      if old.at > now() - make_interval(months => coalesce(keep_months, 6)) then
        raise exception 'audit_event rows inside the retention period cannot be deleted' using errcode = 'insufficient_privilege';
      end if;
      return old;
    end $fn$;`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter sequence audit_event_id_seq owned by none;
    alter table audit_event rename to audit_event_unpartitioned;

    create table audit_event (
      id bigint not null default nextval('audit_event_id_seq'),
      seq bigint,
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
      target_name text,
      row_count int,
      ip text,
      user_agent text,
      outcome text not null check (outcome in ('success', 'denied', 'failed')),
      status_code int,
      detail jsonb,
      prev_hash char(64),
      hash char(64),
      provider_department_id uuid,
      consumer_department_id uuid,
      primary key (id, at),
      constraint audit_event_sealed_whole check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null))
    ) partition by range (at);
    create table audit_event_default partition of audit_event default;

    -- A month of the Beijing calendar (the regulation's months), bounds as instants.
    create function audit_event_ensure_partition(month date) returns text language plpgsql as $fn$
    declare
      first_day date := date_trunc('month', month)::date;
      name text := 'audit_event_y' || to_char(first_day, 'YYYY"m"MM');
      lower_at timestamptz := first_day::timestamp at time zone 'Asia/Shanghai';
      upper_at timestamptz := (first_day + interval '1 month')::timestamp at time zone 'Asia/Shanghai';
    begin
      if to_regclass(name) is not null then return name; end if;
      if exists (select from audit_event_default where at >= lower_at and at < upper_at) then
        return null;
      end if;
      execute format('create table %I partition of audit_event for values from (%L) to (%L)', name, lower_at, upper_at);
      return name;
    end $fn$;

    -- Every month the old log has events in, up to three months ahead of now.
    select audit_event_ensure_partition(m::date)
      from generate_series(
        date_trunc('month', least(coalesce((select min(at) from audit_event_unpartitioned), now()), now())
          at time zone 'Asia/Shanghai'),
        date_trunc('month', now() at time zone 'Asia/Shanghai') + interval '3 months', interval '1 month') as m;

    insert into audit_event (id, seq, at, user_id, username, real_name, department_id, department_name, roles,
        category, action, target_type, target_id, target_name, row_count, ip, user_agent, outcome, status_code,
        detail, prev_hash, hash)
      select id, seq, at, user_id, username, real_name, department_id, department_name, roles, category, action,
        target_type, target_id, target_name, row_count, ip, user_agent, outcome, status_code, detail, prev_hash, hash
      from audit_event_unpartitioned;
    drop table audit_event_unpartitioned;
    alter sequence audit_event_id_seq owned by audit_event.id;

    create index audit_event_at on audit_event (at);
    create index audit_event_user on audit_event (user_id, at);
    create index audit_event_category on audit_event (category, at);
    create index audit_event_seq on audit_event (seq, id);
    create index audit_event_unsealed on audit_event (id) where seq is null;
    create index audit_event_department on audit_event (department_id, at);
    create index audit_event_provider on audit_event (provider_department_id, at) where provider_department_id is not null;
    create index audit_event_consumer on audit_event (consumer_department_id, at) where consumer_department_id is not null;
    create index audit_event_action on audit_event (action, at);
    create index audit_event_target on audit_event (target_id);
    create index audit_event_search on audit_event using gin ((
      coalesce(username, '') || chr(31) || coalesce(real_name, '') || chr(31) || coalesce(target_name, '')
        || chr(31) || coalesce(detail ->> 'grantNo', '')
    ) gin_trgm_ops);

    ${guard(true)}
    create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_guard();
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_guard();

    -- What the retention job dropped, signed by the instance (SM2): verification continues the chain from it.
    create table audit_checkpoint (
      id bigserial primary key,
      partition_name text not null,
      from_at timestamptz not null,
      to_at timestamptz not null,
      event_count bigint not null,
      first_seq bigint,
      last_seq bigint,
      -- The dropped seq numbers as runs [{first, last, hash of last}], in seq order: a run's last hash is
      -- the link the next remaining event must name as its prev_hash.
      runs jsonb not null,
      archive_file text,
      archive_sm3 char(64),
      created_at timestamptz not null,
      kid text not null references instance_key (kid),
      signature text not null
    );

    -- Scheduled usage digests: what was used of a department's data, and what it used, in a period.
    create table audit_digest (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department (id),
      period_from date not null,
      period_to date not null,
      body jsonb not null,
      kid text not null references instance_key (kid),
      signature text not null,
      created_at timestamptz not null,
      webhook_status text check (webhook_status in ('sent', 'failed')),
      webhook_error text,
      unique (department_id, period_from, period_to)
    );
    create table audit_digest_webhook (
      department_id uuid primary key references department (id),
      url text not null,
      updated_at timestamptz not null,
      updated_by uuid references app_user (id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table audit_digest_webhook, audit_digest, audit_checkpoint;
    alter sequence audit_event_id_seq owned by none;
    alter table audit_event rename to audit_event_partitioned;
    create table audit_event (like audit_event_partitioned including defaults including constraints);
    alter table audit_event drop column provider_department_id, drop column consumer_department_id;
    insert into audit_event select id, seq, at, user_id, username, real_name, department_id, department_name, roles,
      category, action, target_type, target_id, target_name, row_count, ip, user_agent, outcome, status_code, detail,
      prev_hash, hash from audit_event_partitioned;
    drop table audit_event_partitioned;
    drop function audit_event_ensure_partition(date);
    ${guard(false)}
    alter sequence audit_event_id_seq owned by audit_event.id;
    alter table audit_event add primary key (id);
    create index audit_event_at on audit_event (at);
    create index audit_event_user on audit_event (user_id, at);
    create index audit_event_category on audit_event (category, at);
    create index audit_event_seq on audit_event (seq, id);
    create index audit_event_unsealed on audit_event (id) where seq is null;
    create index audit_event_department on audit_event (department_id, at);
    create index audit_event_action on audit_event (action, at);
    create index audit_event_target on audit_event (target_id);
    create index audit_event_search on audit_event using gin ((
      coalesce(username, '') || chr(31) || coalesce(real_name, '') || chr(31) || coalesce(target_name, '')
        || chr(31) || coalesce(detail ->> 'grantNo', '')
    ) gin_trgm_ops);
    create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_guard();
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_guard();
  `.execute(db);
}
