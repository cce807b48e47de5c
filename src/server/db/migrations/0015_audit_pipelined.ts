import { sql, type Kysely } from 'kysely';

/**
 * The chaining writer sends a batch's rows before it holds the chain's head, so that the database
 * writes them while the previous batch commits; the head's conditional update decides afterwards
 * whether they stay (issue "Structure before growth", point 5). A unique index on seq would make such
 * rows wait for every other uncommitted writer of the same numbers — the sealer holding the head among
 * them — and deadlock. seq stays dense and unique because only a transaction that moved the head from
 * exactly the seq before its rows commits them; verification reports a repeated seq.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index audit_event_seq;
    -- Verification pages on (seq, id), so that a forged row repeating a seq is read and reported too.
    create index audit_event_seq on audit_event (seq, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index audit_event_seq;
    create unique index audit_event_seq on audit_event (seq);
  `.execute(db);
}
