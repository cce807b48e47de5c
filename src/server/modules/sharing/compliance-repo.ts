import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { ReviewStepKind } from '../../db/types';

/** Review steps of a kind that fell due in [from, to): how many, and how many were decided by their due time. */
export async function stepsOnTime(db: Db, kind: ReviewStepKind, from: Date, to: Date) {
  const r = await db
    .selectFrom('share_review_step')
    .where('kind', '=', kind)
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .select([
      sql<string>`count(*)`.as('due'),
      sql<string>`count(*) filter (where decided_at is not null and decided_at <= due_at)`.as('on_time'),
    ])
    .executeTakeFirstOrThrow();
  return { due: Number(r.due), onTime: Number(r.on_time) };
}

/** Requests submitted in [from, to) by kind, and how many name no purpose or no system (Art 13). */
export async function requestsSubmitted(db: Db, from: Date, to: Date) {
  const r = await db
    .selectFrom('share_request')
    .where('submitted_at', '>=', from)
    .where('submitted_at', '<', to)
    .select([
      sql<string>`count(*) filter (where kind = 'unconditional')`.as('unconditional'),
      sql<string>`count(*) filter (where kind = 'conditional')`.as('conditional'),
      sql<string>`count(*) filter (where btrim(purpose) = '' or btrim(system_name) = '')`.as('unnamed'),
    ])
    .executeTakeFirstOrThrow();
  return { unconditional: Number(r.unconditional), conditional: Number(r.conditional), unnamed: Number(r.unnamed) };
}
