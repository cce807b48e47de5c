import { sql, type Kysely } from 'kysely';

/**
 * Sharing (R-10 …; Art 10–18): requests for a catalog entry, their review steps with
 * working-day deadlines, the application letters, and the grants that every data path checks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Human-readable numbers (申请编号 GX-2026-000012, 授权编号 SQ-2026-000007): one counter per kind and year.
    create table sharing_number_seq (
      kind text not null,
      year int not null,
      last_value int not null,
      primary key (kind, year)
    );

    -- 加盖公章的申请函: kept in the database (≤ 10 MB) with its SHA-256 checksum, so a backup holds it too.
    create table sharing_letter (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department (id),
      uploaded_by uuid not null references app_user (id),
      file_name text not null,
      mime text not null check (mime in ('application/pdf', 'image/png', 'image/jpeg')),
      size int not null check (size > 0),
      sha256 text not null,
      content bytea not null,
      uploaded_at timestamptz not null
    );

    create table share_request (
      id uuid primary key default gen_random_uuid(),
      no text not null unique,
      kind text not null check (kind in ('unconditional', 'conditional')),
      status text not null check (status in ('prereview', 'returned', 'provider_review', 'approved', 'rejected', 'withdrawn')),
      entry_id uuid not null references catalog_entry (id),
      version_id uuid not null references catalog_entry_version (id),
      -- What the applicant saw when applying (the catalog moves on; the request keeps its version).
      entry_code text not null,
      entry_name text not null,
      version_no int not null,
      provider_department_id uuid not null references department (id),
      consumer_department_id uuid not null references department (id),
      applicant_id uuid not null references app_user (id),
      purpose text not null,
      system_name text not null,
      item_ids uuid[] not null,
      method text not null,
      period_from date,
      period_to date,
      letter_id uuid references sharing_letter (id),
      terms_version text not null,
      terms_accepted_at timestamptz not null,
      submitted_at timestamptz not null,
      decided_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (period_to is null or period_from is null or period_to >= period_from)
    );
    create index share_request_consumer on share_request (consumer_department_id, submitted_at desc);
    create index share_request_provider on share_request (provider_department_id, submitted_at desc);
    create index share_request_status on share_request (status, submitted_at desc);
    -- One request in progress per department and entry: a second would be reviewed twice.
    create unique index share_request_one_open on share_request (consumer_department_id, entry_id)
      where status in ('prereview', 'returned', 'provider_review');

    -- Each review step stores its deadline once (DESIGN: facts, not recomputation), and when it was flagged overdue.
    create table share_review_step (
      id uuid primary key default gen_random_uuid(),
      request_id uuid not null references share_request (id),
      kind text not null check (kind in ('admin_prereview', 'provider_decision')),
      round int not null,
      started_at timestamptz not null,
      due_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid references app_user (id),
      decision text check (decision in ('forward', 'return', 'reject', 'approve', 'withdrawn')),
      basis text,
      reason text,
      overdue_at timestamptz,
      detail jsonb,
      unique (request_id, kind, round)
    );
    create index share_review_step_open on share_review_step (due_at) where decided_at is null;

    create table share_grant (
      id uuid primary key default gen_random_uuid(),
      no text not null unique,
      request_id uuid not null unique references share_request (id),
      status text not null check (status in ('active', 'revoked', 'expired')),
      entry_id uuid not null references catalog_entry (id),
      version_id uuid not null references catalog_entry_version (id),
      entry_code text not null,
      entry_name text not null,
      version_no int not null,
      provider_department_id uuid not null references department (id),
      consumer_department_id uuid not null references department (id),
      system_name text not null,
      purpose text not null,
      item_ids uuid[] not null,
      -- The masking each granted item is delivered with, copied from the catalog at grant time.
      masking jsonb not null,
      method text not null,
      valid_from date not null,
      valid_to date not null,
      conditions text,
      revoked_at timestamptz,
      revoked_by uuid references app_user (id),
      revoke_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (valid_to >= valid_from)
    );
    create index share_grant_consumer on share_grant (consumer_department_id, entry_id);
    create index share_grant_provider on share_grant (provider_department_id, created_at desc);
    create index share_grant_expiring on share_grant (valid_to) where status = 'active';

    create table share_grant_event (
      id bigserial primary key,
      grant_id uuid not null references share_grant (id),
      kind text not null check (kind in ('created', 'renewed', 'revoked', 'expired')),
      at timestamptz not null,
      actor_id uuid references app_user (id),
      reason text,
      detail jsonb
    );
    create index share_grant_event_grant on share_grant_event (grant_id, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table share_grant_event, share_grant, share_review_step, share_request, sharing_letter, sharing_number_seq`.execute(
    db,
  );
}
