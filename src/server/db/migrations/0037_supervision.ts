import { sql, type Kysely } from 'kysely';

/**
 * Supervision and assessment (Chapter 6, Art 27–30; ).
 *
 * supervision_snapshot: one computation of every indicator for one period ('2026-11', '2026-Q4',
 *   '2026'), by the assessment job; the newest of a period is current, older ones stay as history.
 *   A period's snapshots are provisional until the period has ended and one is made final.
 * supervision_value: an indicator's value for one department in a snapshot (numerator ÷ denominator).
 * supervision_evidence: the rows behind a value, kept with it so that the number and the rows it
 *   opens to never disagree, however the facts change later.
 * supervision_weight: the platform admin's weights per indicator and period kind (sum 100).
 * supervision_score: a department's weighted score, card and rank in a snapshot.
 * supervision_violation: a violation of Art 30 found by a detector (kind 1–4; 5 = no active 数据专员,
 *   Art 28), one per department, kind and period, with its evidence; or reported by a provider (kind 4).
 * rectification_notice: 整改通知 to a department about violations, with a deadline in working days.
 * attachment: the platform's one attachment table (a rectification's evidence, training materials).
 * circular: 通报 of a notice left unanswered or rejected past its deadline, published to every department.
 * training_session / training_attendance: 数据专员 training (Art 28) and who attended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table supervision_snapshot (
      id uuid primary key default gen_random_uuid(),
      period_key text not null,
      period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
      period_from timestamptz not null,
      period_to timestamptz not null,
      final boolean not null default false,
      computed_at timestamptz not null default now(),
      computed_by uuid references app_user (id)
    );
    create index supervision_snapshot_period on supervision_snapshot (period_key, computed_at desc);

    create table supervision_value (
      snapshot_id uuid not null references supervision_snapshot (id) on delete cascade,
      indicator text not null,
      department_id uuid not null references department (id),
      numerator double precision not null,
      denominator double precision not null,
      -- 0..100, or null when there was nothing to measure (denominator 0): not scored, not zero.
      score double precision,
      -- The indicator's weight when the score was computed: the card explains the stored score.
      weight double precision not null,
      primary key (snapshot_id, indicator, department_id)
    );
    create index supervision_value_department on supervision_value (department_id, indicator);

    create table supervision_evidence (
      id bigserial primary key,
      snapshot_id uuid not null references supervision_snapshot (id) on delete cascade,
      indicator text not null,
      department_id uuid not null references department (id),
      ref text not null,
      label text not null,
      at timestamptz,
      ok boolean not null,
      note text,
      link text
    );
    create index supervision_evidence_value on supervision_evidence (snapshot_id, indicator, department_id, id);

    create table supervision_weight (
      period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
      indicator text not null,
      weight double precision not null check (weight >= 0 and weight <= 100),
      updated_by uuid references app_user (id),
      updated_at timestamptz not null default now(),
      primary key (period_kind, indicator)
    );

    create table supervision_score (
      snapshot_id uuid not null references supervision_snapshot (id) on delete cascade,
      department_id uuid not null references department (id),
      score double precision,
      card text check (card in ('red', 'yellow', 'green')),
      rank integer,
      primary key (snapshot_id, department_id)
    );

    create table supervision_violation (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department (id),
      kind smallint not null check (kind between 1 and 5),
      period_key text not null,
      source text not null check (source in ('detected', 'reported')),
      summary text not null,
      evidence jsonb not null default '[]',
      status text not null default 'open' check (status in ('open', 'noticed', 'rectified', 'dismissed')),
      detected_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      reported_by uuid references app_user (id),
      reported_by_department_id uuid references department (id),
      dismissed_by uuid references app_user (id),
      dismiss_reason text
    );
    -- Deduplicated per department, kind and period (detected ones; each report stands alone).
    create unique index supervision_violation_dedup on supervision_violation (department_id, kind, period_key)
      where source = 'detected';
    create index supervision_violation_status on supervision_violation (status, detected_at desc);

    create table rectification_notice (
      id uuid primary key default gen_random_uuid(),
      no text not null unique,
      department_id uuid not null references department (id),
      violation_ids uuid[] not null default '{}',
      title text not null,
      requirement text not null,
      working_days integer not null check (working_days between 1 and 60),
      issued_by uuid not null references app_user (id),
      issued_at timestamptz not null,
      due_at timestamptz not null,
      status text not null default 'issued'
        check (status in ('issued', 'answered', 'rejected', 'closed', 'circulated')),
      measures text,
      answered_by uuid references app_user (id),
      answered_at timestamptz,
      verified_by uuid references app_user (id),
      verified_at timestamptz,
      verify_note text,
      closed_at timestamptz,
      circulated_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create index rectification_notice_department on rectification_notice (department_id, issued_at desc);
    create index rectification_notice_open on rectification_notice (due_at) where status in ('issued', 'rejected');

    -- The platform's attachments (platform/attachments): uploaded first (owner null), bound to what
    -- they are evidence for when it is saved; the content lives in the file store, named by hash.
    create table attachment (
      id uuid primary key default gen_random_uuid(),
      owner_type text,
      owner_id uuid,
      file_name text not null,
      mime text not null,
      size bigint not null,
      sha256 char(64) not null,
      sm3 char(64) not null,
      storage_key text not null,
      uploaded_by uuid not null references app_user (id),
      created_at timestamptz not null default now(),
      check ((owner_type is null) = (owner_id is null))
    );
    create index attachment_owner on attachment (owner_type, owner_id);

    create table circular (
      id uuid primary key default gen_random_uuid(),
      no text not null unique,
      notice_id uuid not null unique references rectification_notice (id),
      department_id uuid not null references department (id),
      title text not null,
      body text not null,
      published_at timestamptz not null,
      published_by uuid references app_user (id)
    );
    create index circular_published on circular (published_at desc);

    create table training_session (
      id uuid primary key default gen_random_uuid(),
      title text not null,
      held_on date not null,
      organizer text not null,
      hours numeric(5, 1) not null check (hours > 0),
      content text not null,
      created_by uuid not null references app_user (id),
      created_at timestamptz not null default now()
    );
    create index training_session_held on training_session (held_on desc);

    create table training_attendance (
      session_id uuid not null references training_session (id) on delete cascade,
      specialist_id uuid not null references specialist (id),
      passed boolean,
      primary key (session_id, specialist_id)
    );
    create index training_attendance_specialist on training_attendance (specialist_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table training_attendance;
    drop table training_session;
    drop table circular;
    drop table attachment;
    drop table rectification_notice;
    drop table supervision_violation;
    drop table supervision_score;
    drop table supervision_weight;
    drop table supervision_evidence;
    drop table supervision_value;
    drop table supervision_snapshot;
  `.execute(db);
}
