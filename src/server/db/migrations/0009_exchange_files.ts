import { sql, type Kysely } from 'kysely';

/**
 * Resource files: each upload is a new version of an entry's file, stored once by content
 * (storage_key names the blob under FILES_DIR) and never overwritten. Withdrawing hides a version
 * from consumers but keeps the row and the blob, so what was delivered stays provable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exchange_file (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry (id),
      -- The providing department at upload time (an entry's provider never changes).
      department_id uuid not null references department (id),
      version_no int not null check (version_no > 0),
      file_name text not null,
      mime text not null,
      size bigint not null check (size >= 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      sm3 text not null check (sm3 ~ '^[0-9a-f]{64}$'),
      storage_key text not null,
      note text,
      uploaded_by uuid not null references app_user (id),
      uploaded_at timestamptz not null,
      withdrawn_at timestamptz,
      withdrawn_by uuid references app_user (id),
      withdraw_reason text,
      unique (entry_id, version_no)
    );
    create index exchange_file_storage_key on exchange_file (storage_key);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_file`.execute(db);
}
