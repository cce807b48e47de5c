import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** One line of a usage digest: who used what, through which grant, how often and how many rows. */
export interface UsageLine {
  departmentId: string | null;
  departmentName: string | null;
  target: string | null;
  grantNo: string | null;
  action: string;
  events: number;
  rows: number;
}

/** Uses of data: sharing, downloads, queries and comparisons that succeeded (the Art 25 kinds a department follows). */
const USE = sql`category in ('share', 'download', 'query', 'compare', 'aggregate') and outcome = 'success'`;

/**
 * Whose data was used by whom (`side` provider: the other department is the user), or whose data a
 * department used (`side` consumer: the other department is the provider), in [from, to).
 */
export async function usageLines(
  db: Db,
  departmentId: string,
  side: 'provider' | 'consumer',
  from: Date,
  to: Date,
): Promise<UsageLine[]> {
  const other =
    side === 'provider' ? sql`coalesce(e.consumer_department_id, e.department_id)` : sql`e.provider_department_id`;
  const mine =
    side === 'provider'
      ? sql`e.provider_department_id = ${departmentId}`
      : sql`(e.department_id = ${departmentId} or e.consumer_department_id = ${departmentId})
          and e.provider_department_id is not null and e.provider_department_id <> ${departmentId}`;
  const r = await sql<UsageLine>`
    select ${other} as "departmentId", d.name as "departmentName", e.target_name as target,
      e.detail ->> 'grantNo' as "grantNo", e.action, count(*)::int as events, coalesce(sum(e.row_count), 0)::int as rows
    from audit_event e left join department d on d.id = ${other}
    where ${mine} and e.seq is not null and e.at >= ${from} and e.at < ${to} and ${USE}
    group by 1, 2, 3, 4, 5
    order by rows desc, events desc, 2, 3`.execute(db);
  return r.rows;
}

/** Departments any event of the period concerns as provider or consumer. */
export async function departmentsWithUse(db: Db, from: Date, to: Date): Promise<Array<{ id: string; name: string }>> {
  const r = await sql<{ id: string; name: string }>`
    select d.id, d.name from department d
    where exists (select from audit_event e
      where (e.provider_department_id = d.id or e.consumer_department_id = d.id
        or (e.department_id = d.id and e.provider_department_id is not null))
        and e.seq is not null and e.at >= ${from} and e.at < ${to} and ${USE})
    order by d.name`.execute(db);
  return r.rows;
}

export async function insertDigest(db: Db, row: NewRow<'audit_digest'>): Promise<string | null> {
  const r = await db
    .insertInto('audit_digest')
    .values({ ...row, body: JSON.stringify(row.body) })
    .onConflict((oc) => oc.columns(['department_id', 'period_from', 'period_to']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

export function setWebhookStatus(db: Db, id: string, status: 'sent' | 'failed', error: string | null) {
  return db
    .updateTable('audit_digest')
    .set({ webhook_status: status, webhook_error: error })
    .where('id', '=', id)
    .execute();
}

export function digestsOf(db: Db, departmentId: string | null, limit: number, offset: number) {
  const q = db
    .selectFrom('audit_digest as g')
    .innerJoin('department as d', 'd.id', 'g.department_id')
    .$if(departmentId !== null, (b) => b.where('g.department_id', '=', departmentId!));
  return Promise.all([
    q
      .selectAll('g')
      .select('d.name as department_name')
      .orderBy('g.period_from', 'desc')
      .orderBy('d.name')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
}

export function findDigest(db: Db, id: string) {
  return db.selectFrom('audit_digest').selectAll().where('id', '=', id).executeTakeFirst();
}

export function webhookOf(db: Db, departmentId: string) {
  return db.selectFrom('audit_digest_webhook').selectAll().where('department_id', '=', departmentId).executeTakeFirst();
}

export async function putWebhook(db: Db, departmentId: string, url: string | null, by: string, at: Date) {
  if (url === null) {
    await db.deleteFrom('audit_digest_webhook').where('department_id', '=', departmentId).execute();
    return;
  }
  await db
    .insertInto('audit_digest_webhook')
    .values({ department_id: departmentId, url, updated_by: by, updated_at: at })
    .onConflict((oc) => oc.column('department_id').doUpdateSet({ url, updated_by: by, updated_at: at }))
    .execute();
}
