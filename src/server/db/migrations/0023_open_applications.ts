import { sql, type Kysely } from 'kysely';

/**
 * R-32 (Art 22): 有条件开放. A real-name public user applies for a conditionally open dataset
 * (purpose, scenario, the items needed, how long, a security commitment signed online); the
 * provider answers within 20 working days of receipt (due_at); an approval opens those items to
 * that applicant until access_until, a refusal states its legal or policy basis and the reason.
 * The applicant reports the use afterwards (成效反馈). At most one application waits per applicant
 * and dataset.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create sequence open_application_no;
    create table open_application (
      id uuid primary key default gen_random_uuid(),
      no text not null unique,
      entry_id uuid not null references catalog_entry (id),
      provider_department_id uuid not null references department (id),
      applicant_id uuid not null references app_user (id),
      -- Who applied as the account read then: the person, or the legal person and its agent.
      applicant_name text not null,
      purpose text not null,
      scenario text not null,
      fields text[] not null,
      wanted_until date not null,
      commitment_version text not null,
      commitment_signed_name text not null,
      commitment_signed_at timestamptz not null,
      status text not null default 'submitted' check (status in ('submitted', 'approved', 'refused', 'withdrawn')),
      received_at timestamptz not null,
      due_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid references app_user (id),
      decided_by_name text,
      approved_fields text[],
      access_until date,
      refusal_basis text,
      refusal_reason text,
      use_report text,
      use_reported_at timestamptz,
      check (status <> 'approved' or (approved_fields is not null and access_until is not null)),
      check (status <> 'refused' or (refusal_basis is not null and refusal_reason is not null))
    );
    create index open_application_provider on open_application (provider_department_id, status, due_at);
    create index open_application_applicant on open_application (applicant_id, received_at desc);
    create unique index open_application_waiting on open_application (entry_id, applicant_id) where status = 'submitted';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table open_application;
    drop sequence open_application_no;
  `.execute(db);
}
