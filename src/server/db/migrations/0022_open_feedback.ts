import { sql, type Kysely } from 'kysely';

/**
 * what the public tells the platform about open data.
 *
 * open_data_request: a dataset someone needs that is not open yet (数据需求). The platform moderates it
 * (submitted → published | rejected with a reason) and routes it to the department expected to hold the
 * data (department_id; null leaves the answer to the platform); the answer may name the entry that now
 * satisfies it. Published and answered requests are public; vote_count mirrors open_data_request_vote
 * (我也需要, one per user, the requester's own among them) so lists sort by it without counting.
 *
 * open_rating: one 1–5 rating per user and dataset, changed in place.
 * open_comment: comments, shown to the public only once the platform publishes them.
 * open_error_report: 纠错 from the public on a dataset, answered by its provider.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_data_request (
      id uuid primary key default gen_random_uuid(),
      title text not null,
      description text not null,
      purpose text not null,
      wanted_department_id uuid references department (id),
      department_id uuid references department (id),
      requester_id uuid not null references app_user (id),
      status text not null default 'submitted' check (status in ('submitted', 'published', 'rejected', 'answered')),
      reject_reason text,
      moderated_by uuid references app_user (id),
      moderated_at timestamptz,
      answer text,
      answer_entry_id uuid references catalog_entry (id) on delete set null,
      answered_by uuid references app_user (id),
      answered_at timestamptz,
      vote_count integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (status <> 'rejected' or reject_reason is not null),
      check (status <> 'answered' or answer is not null)
    );
    create index open_data_request_status on open_data_request (status, created_at desc);
    create index open_data_request_department on open_data_request (department_id, status);
    create index open_data_request_requester on open_data_request (requester_id, created_at desc);

    create table open_data_request_vote (
      request_id uuid not null references open_data_request (id) on delete cascade,
      user_id uuid not null references app_user (id),
      created_at timestamptz not null default now(),
      primary key (request_id, user_id)
    );

    create table open_rating (
      entry_id uuid not null references catalog_entry (id) on delete cascade,
      user_id uuid not null references app_user (id),
      stars smallint not null check (stars between 1 and 5),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (entry_id, user_id)
    );

    create table open_comment (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry (id) on delete cascade,
      user_id uuid not null references app_user (id),
      content text not null,
      status text not null default 'pending' check (status in ('pending', 'published', 'hidden')),
      hidden_reason text,
      moderated_by uuid references app_user (id),
      moderated_at timestamptz,
      created_at timestamptz not null default now(),
      check (status <> 'hidden' or hidden_reason is not null)
    );
    create index open_comment_entry on open_comment (entry_id, status, created_at desc);
    create index open_comment_status on open_comment (status, created_at);
    create index open_comment_user on open_comment (user_id, created_at desc);

    create table open_error_report (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry (id) on delete cascade,
      user_id uuid not null references app_user (id),
      item_name text,
      content text not null,
      status text not null default 'open' check (status in ('open', 'answered')),
      answer text,
      answered_by uuid references app_user (id),
      answered_at timestamptz,
      created_at timestamptz not null default now(),
      check (status <> 'answered' or answer is not null)
    );
    create index open_error_report_entry on open_error_report (entry_id, created_at desc);
    create index open_error_report_status on open_error_report (status, created_at);
    create index open_error_report_user on open_error_report (user_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table open_error_report, open_comment, open_rating, open_data_request_vote, open_data_request;
  `.execute(db);
}
