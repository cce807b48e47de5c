import { sql, type Kysely } from 'kysely';

/**
 * Envelope encryption: the SM4 data keys that seal stored secrets, each wrapped (sealed) by a
 * key-encryption key derived from the master key, which never enters the database. A sealed value
 * names its data key (`gs2:<kid>:…`), so rotating the data key re-encrypts values and rotating the
 * master key re-wraps only these rows. `master_fingerprint` says which master key wrapped a row.
 * purpose 'data' seals values; 'lookup' keys the equality digests (an identity number already
 * registered) and is re-wrapped, never rotated, so the digests stored keep matching.
 * At most one key per purpose is current (superseded_at null); a superseded data key still opens
 * what it sealed until a rotation has re-encrypted it all, then it is retired (kept: a backup taken
 * before the rotation still needs it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table data_key (
      kid text primary key,
      purpose text not null check (purpose in ('data', 'lookup')),
      wrapped text not null,
      master_fingerprint text not null,
      created_at timestamptz not null default now(),
      superseded_at timestamptz,
      retired_at timestamptz,
      check (retired_at is null or superseded_at is not null)
    );
    create unique index data_key_one_current on data_key (purpose) where superseded_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table data_key`.execute(db);
}
