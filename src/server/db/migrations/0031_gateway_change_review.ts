import { sql, type Kysely } from 'kysely';

/**
 * R-07 (Art 9) for service registrations: a change that takes an operation away from departments
 * holding grants needs platform review before it applies, like an impacting catalog change.
 *
 * gw_upstream_revision.status: applied (the registration as it was from then on), pending (waiting for
 * platform review; `proposed` holds the whole registration as saved, its secret sealed), rejected or
 * withdrawn (never applied). At most one pending per entry.
 * entry_version_no: the catalog entry's published version the revision was saved under, so a
 * registration's history reads beside the entry's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table gw_upstream_revision
      add column status text not null default 'applied'
        check (status in ('applied', 'pending', 'rejected', 'withdrawn')),
      add column proposed jsonb,
      add column entry_version_no integer,
      add column reviewed_by uuid references app_user (id),
      add column reviewed_at timestamptz,
      add column review_note text;
    create unique index gw_upstream_revision_one_pending on gw_upstream_revision (entry_id) where status = 'pending';
  `.execute(db);
}
