import { sql, type Kysely } from 'kysely';

/**
 * The security operations register (R-46; Art 23, 25, 26): what was done to keep the platform safe,
 * with its findings and what must follow from them.
 *
 * security_record.kind: assessment 安全测评 and drill 应急演练 (Art 25: each at least once a year),
 * risk_assessment 风险评估 and security_review 安全审查 of sharing and opening (Art 23), inspection
 * 安全/保密检查 by the cyber-security or secrecy authorities (Art 26).
 * security_action: a follow-up action with its owner and deadline; done when done_at is set.
 * security_attachment: the reports and minutes, uploaded first (record_id null) and bound to the record
 * they are evidence for; the content lives in the file store, named by hash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table security_record (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('assessment', 'drill', 'risk_assessment', 'security_review', 'inspection')),
      held_on date not null,
      title text not null,
      scope text not null,
      conducted_by text not null,
      findings text not null,
      conclusion text,
      created_by uuid not null references app_user (id),
      created_at timestamptz not null default now(),
      updated_by uuid not null references app_user (id),
      updated_at timestamptz not null default now()
    );
    create index security_record_kind_held on security_record (kind, held_on desc);

    create table security_action (
      id uuid primary key default gen_random_uuid(),
      record_id uuid not null references security_record (id),
      description text not null,
      owner text not null,
      due_on date not null,
      done_at timestamptz,
      done_by uuid references app_user (id),
      done_note text,
      created_at timestamptz not null default now(),
      check ((done_at is null) = (done_by is null))
    );
    create index security_action_record on security_action (record_id);
    create index security_action_open on security_action (due_on) where done_at is null;

    create table security_attachment (
      id uuid primary key default gen_random_uuid(),
      record_id uuid references security_record (id),
      file_name text not null,
      mime text not null,
      size bigint not null,
      sha256 char(64) not null,
      sm3 char(64) not null,
      storage_key text not null,
      uploaded_by uuid not null references app_user (id),
      created_at timestamptz not null default now()
    );
    create index security_attachment_record on security_attachment (record_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table security_attachment; drop table security_action; drop table security_record`.execute(db);
}
