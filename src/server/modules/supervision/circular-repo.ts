import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** circular (通报): published to every department, so read without a department scope. */

export async function insertCircular(db: Db, row: NewRow<'circular'>): Promise<string> {
  return (await db.insertInto('circular').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

const base = (db: Db) =>
  db
    .selectFrom('circular as c')
    .innerJoin('rectification_notice as n', 'n.id', 'c.notice_id')
    .innerJoin('department as d', 'd.id', 'c.department_id')
    .select([
      'c.id',
      'c.no',
      'c.notice_id',
      'n.no as notice_no',
      'c.department_id',
      'd.name as department_name',
      'c.title',
      'c.published_at',
    ]);

export function findCircular(db: Db, id: string) {
  return base(db).select('c.body').where('c.id', '=', id).executeTakeFirst();
}

export async function listCirculars(db: Db, q: string | undefined, limit: number, offset: number) {
  let query = base(db);
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb('c.title', 'ilike', like), eb('c.no', 'ilike', like), eb('d.name', 'ilike', like)]),
    );
  }
  const [rows, total] = await Promise.all([
    query.orderBy('c.published_at', 'desc').orderBy('c.id').limit(limit).offset(offset).execute(),
    query
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function circularsOfPeriod(db: Db, from: Date, to: Date) {
  return base(db)
    .where('c.published_at', '>=', from)
    .where('c.published_at', '<', to)
    .orderBy('c.published_at')
    .execute();
}
