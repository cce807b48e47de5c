import { sql, type Kysely } from 'kysely';

/**
 * public accounts. A citizen or a legal person signs in like staff (app_user with the
 * public_user role, so lockout, sessions and TOTP are one mechanism), and public_account holds what
 * only they have: who they are by real name and how that was verified.
 *
 * Identity numbers are personal information: stored SM4-encrypted, with an SM3 digest for
 * "already registered" and a masked form for display; never in clear.
 *
 * app_user.status gains 'pending': registered but the e-mail or mobile not yet confirmed, so it
 * cannot sign in. account_code holds the one-time codes sent to confirm it or to reset a password
 * (only their digest).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table app_user drop constraint app_user_status_check;
    alter table app_user add constraint app_user_status_check check (status in ('active', 'disabled', 'pending'));

    create table public_account (
      user_id uuid primary key references app_user (id) on delete cascade,
      kind text not null check (kind in ('citizen', 'legal_person')),
      -- The citizen, or for a legal person the agent who acts for it.
      person_name text not null,
      id_number_digest char(64) not null,
      id_number_sealed text not null,
      id_number_masked text not null,
      org_name text,
      credit_code text,
      -- How they signed up and confirm codes: the address itself is app_user.username (and email or phone).
      contact_kind text not null check (contact_kind in ('email', 'mobile')),
      contact_verified_at timestamptz,
      real_name_status text not null default 'unverified' check (real_name_status in ('verified', 'unverified', 'failed')),
      real_name_provider text,
      real_name_checked_at timestamptz,
      real_name_message text,
      created_at timestamptz not null default now(),
      check ((kind = 'legal_person') = (credit_code is not null and org_name is not null))
    );
    -- One citizen account per person; a legal person registers once per agent.
    create unique index public_account_citizen on public_account (id_number_digest) where kind = 'citizen';
    create unique index public_account_legal_person on public_account (credit_code, id_number_digest) where kind = 'legal_person';

    create table account_code (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user (id) on delete cascade,
      purpose text not null check (purpose in ('verify_contact', 'reset_password')),
      code_digest char(64) not null,
      attempts int not null default 0,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index account_code_user on account_code (user_id, purpose, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table account_code;
    drop table public_account;
    delete from app_user where status = 'pending';
    alter table app_user drop constraint app_user_status_check;
    alter table app_user add constraint app_user_status_check check (status in ('active', 'disabled'));
  `.execute(db);
}
