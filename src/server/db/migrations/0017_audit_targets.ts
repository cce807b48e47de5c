import { sql, type Kysely } from 'kysely';

/**
 * Audit log for investigations (issue 11, point 4). target_name is the target's human name as it
 * was when the event was written (a resource's name and code, a request or grant number, a user's
 * name), so a later rename does not rewrite history. Older rows keep null: the chain hashes the name
 * only when it is set, so their links verify as before.
 *
 * Investigators search by a keyword over who, what and which target, and by department. The words
 * people type (an account, a real name, a target's name, a grant number) get a trigram index over one
 * expression (platform/audit/repo.ts repeats it exactly, or the planner cannot use it); ids and action
 * codes are matched whole, by plain indexes. Trigrams of ids and codes as well cost appends almost
 * twice as much for searches nobody makes (part of a uuid). audit_event also lacked a department index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_event add column target_name text;

    create index audit_event_department on audit_event (department_id, at);
    create index audit_event_action on audit_event (action, at);
    create index audit_event_target on audit_event (target_id);
    -- chr(31) keeps a keyword from matching across two fields.
    create index audit_event_search on audit_event using gin ((
      coalesce(username, '') || chr(31) || coalesce(real_name, '') || chr(31) || coalesce(target_name, '')
        || chr(31) || coalesce(detail ->> 'grantNo', '')
    ) gin_trgm_ops);

    -- Sealing may still only fill seq and the links: target_name, like every other field, stays as written.
    create or replace function audit_event_guard() returns trigger language plpgsql as $fn$
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

/** Going down drops the names, and with them the links of the events that had one: verification reports those. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_event_guard() returns trigger language plpgsql as $fn$
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
    drop index audit_event_search;
    drop index audit_event_target;
    drop index audit_event_action;
    drop index audit_event_department;
    alter table audit_event drop column target_name;
  `.execute(db);
}
