import { sql, type Kysely } from 'kysely';

/**
 * The platform instance's SM2 signing keys: audit checkpoints and usage digests are signed
 * with the current one; the public halves, retired ones too, are published at
 * /.well-known/govshare-keys.json so that anybody (a department, a peer instance, an inspector)
 * verifies what this instance signed. The private half is sealed with the master key (SM4), which
 * never enters the database. At most one key is current.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table instance_key (
      kid text primary key,
      algorithm text not null default 'SM2' check (algorithm = 'SM2'),
      public_key text not null unique,
      private_key_sealed text not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    );
    create unique index instance_key_one_current on instance_key ((true)) where retired_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table instance_key`.execute(db);
}
