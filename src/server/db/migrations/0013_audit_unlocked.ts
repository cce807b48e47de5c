import { sql, type Kysely } from 'kysely';

/**
 * Audit appends without a global lock (issue "Structure before growth", point 5). An event is first
 * inserted unsealed — no seq, no hash — by a plain INSERT that waits for nobody, inside the
 * transaction of the change it records. A sealer, one at a time (an advisory lock), later gives the
 * committed unsealed rows the next seq numbers and their SM3 links, in batches, and moves the head.
 * The chain, its dense seq and what verification proves are as before; only sealed rows are in it.
 *
 * The guard still rejects every UPDATE except that one step: filling seq, prev_hash and hash of an
 * unsealed row and changing nothing else. A sealed row stays immutable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_event add column id bigserial;
    alter table audit_event drop constraint audit_event_pkey;
    alter table audit_event add primary key (id);
    alter table audit_event alter column seq drop not null;
    alter table audit_event alter column prev_hash drop not null;
    alter table audit_event alter column hash drop not null;
    create unique index audit_event_seq on audit_event (seq);
    -- What the sealer looks for.
    create index audit_event_unsealed on audit_event (id) where seq is null;
    alter table audit_event add constraint audit_event_sealed_whole
      check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null));

    create or replace function audit_event_guard() returns trigger language plpgsql as $fn$
    declare keep_months int;
    begin
      if tg_op = 'UPDATE' then
        -- Sealing: an unsealed row gets its place in the chain, and nothing else changes.
        if old.seq is null and new.seq is not null and new.id = old.id and new.at = old.at
          and new.user_id is not distinct from old.user_id and new.username is not distinct from old.username
          and new.real_name is not distinct from old.real_name
          and new.department_id is not distinct from old.department_id
          and new.department_name is not distinct from old.department_name and new.roles = old.roles
          and new.category = old.category and new.action = old.action
          and new.target_type is not distinct from old.target_type and new.target_id is not distinct from old.target_id
          and new.row_count is not distinct from old.row_count and new.ip is not distinct from old.ip
          and new.user_agent is not distinct from old.user_agent and new.outcome = old.outcome
          and new.status_code is not distinct from old.status_code and new.detail is not distinct from old.detail then
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
    end $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_event_guard() returns trigger language plpgsql as $fn$
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
    drop index audit_event_unsealed;
    drop index audit_event_seq;
    alter table audit_event drop constraint audit_event_sealed_whole;
    alter table audit_event drop constraint audit_event_pkey;
    alter table audit_event add primary key (seq);
    alter table audit_event alter column prev_hash set not null;
    alter table audit_event alter column hash set not null;
    alter table audit_event drop column id;
  `.execute(db);
}
