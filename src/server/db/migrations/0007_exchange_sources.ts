import { sql, type Kysely } from 'kysely';

/**
 * Exchange sources: a department's own databases the platform reads from. The password
 * is stored only as SM4 ciphertext under a key outside the database (platform/crypto/secret-box.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exchange_source (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references department (id),
      name text not null,
      kind text not null check (kind in ('postgresql', 'mysql')),
      host text not null,
      port int not null check (port between 1 and 65535),
      database text not null,
      username text not null,
      password_secret text not null,
      options jsonb not null default '{}',
      created_by uuid not null references app_user (id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      last_test_at timestamptz,
      last_test_ok boolean,
      last_test_message text,
      unique (department_id, name)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table exchange_source`.execute(db);
}
