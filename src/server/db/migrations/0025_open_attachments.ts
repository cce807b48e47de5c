import { sql, type Kysely } from 'kysely';

/**
 * Attachments of a confidentiality review (R-33: the reviewer's evidence, e.g. a 保密审查 form
 * signed on paper) and of a 有条件开放 application (R-32: a project approval, a data security
 * plan). Uploaded first by their author (owner still null), then bound to the review or
 * application that author submits; the content lives in the file store (FILES_DIR), named by hash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_attachment (
      id uuid primary key default gen_random_uuid(),
      owner_type text check (owner_type in ('review', 'application')),
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
    create index open_attachment_owner on open_attachment (owner_type, owner_id);
    create index open_attachment_unbound on open_attachment (uploaded_by) where owner_id is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table open_attachment`.execute(db);
}
