import { sql, type Kysely } from 'kysely';

/**
 * watching the services behind the gateway.
 *
 * gw_call_stat: per entry, operation and hour, the calls through the gateway, those that failed (the
 * upstream down, slow, erring with 5xx, or its answer unusable) and those the gateway refused (no grant,
 * limits, signatures), the latency sum and a histogram over fixed bounds (gateway/call-stats.ts) from
 * which p50/p95 are read for any period. Written behind the calls every second.
 * gw_health_check: the gateway's own probe of each upstream every minute (health_path, else the base
 * URL): an answer below 500 within the timeout counts as up. Availability is the share of probes up.
 * gw_upstream.retiring: operations taken out of a registration while departments hold grants on the
 * entry: still answered until their retireAt, one month after the change (R-07, Art 9).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table gw_upstream add column health_path text, add column retiring jsonb not null default '[]';

    create table gw_call_stat (
      entry_id uuid not null references catalog_entry (id),
      operation text not null,
      hour timestamptz not null,
      calls integer not null default 0,
      failures integer not null default 0,
      refusals integer not null default 0,
      latency_ms_sum bigint not null default 0,
      latency_buckets integer[] not null,
      primary key (entry_id, operation, hour)
    );

    create table gw_health_check (
      entry_id uuid not null references catalog_entry (id),
      at timestamptz not null,
      ok boolean not null,
      status integer,
      latency_ms integer not null,
      error text,
      primary key (entry_id, at)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table gw_health_check, gw_call_stat;
    alter table gw_upstream drop column health_path, drop column retiring;
  `.execute(db);
}
