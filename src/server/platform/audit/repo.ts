import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { Row } from '../../db/types';
import { chainHash, type AuditRecord } from './chain';

export type AuditInput = Omit<AuditRecord, 'seq'>;

/** A row in the chain: the log's readers see only these. */
export type SealedAuditRow = Row<'audit_event'> & { seq: string; prev_hash: string; hash: string };

const columnsOf = (r: AuditInput) => ({
  at: r.at,
  user_id: r.userId,
  username: r.username,
  real_name: r.realName,
  department_id: r.departmentId,
  department_name: r.departmentName,
  roles: r.roles,
  category: r.category,
  action: r.action,
  target_type: r.targetType,
  target_id: r.targetId,
  row_count: r.rowCount,
  ip: r.ip,
  user_agent: r.userAgent,
  outcome: r.outcome,
  status_code: r.statusCode,
  detail: r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail),
});

/**
 * Inserts events unsealed (no seq, no hash): a plain INSERT that waits for no other writer. Inside a
 * caller's transaction the events share its fate: no record of a change that rolled back.
 */
export async function insertUnsealed(db: Db, inputs: AuditInput[]): Promise<void> {
  if (inputs.length) await db.insertInto('audit_event').values(inputs.map(columnsOf)).execute();
}

interface ChainHead {
  seq: string;
  hash: string;
}

/** Waits for the chain's head and holds it to the end of the transaction: chaining writers take turns on it, appends never touch it. */
function lockHead(trx: Db): Promise<ChainHead> {
  return trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
}

/** Unsealed rows and new events given their places after `head`. */
function chainAfter(head: ChainHead, unsealed: Row<'audit_event'>[], fresh: AuditInput[]) {
  let seq = BigInt(head.seq);
  let prev = head.hash;
  const next = (record: Omit<AuditRecord, 'seq'>) => {
    const link = { seq: String(++seq), prev_hash: prev, hash: '' };
    link.hash = chainHash(prev, { ...record, seq: link.seq });
    prev = link.hash;
    return link;
  };
  const links = unsealed.map((row) => ({ id: row.id, ...next(toRecord(row)) }));
  const rows = fresh.map((input) => ({ ...columnsOf(input), ...next(input) }));
  return { after: head, links, rows, head: { seq: String(seq), hash: prev } };
}
type Chained = ReturnType<typeof chainAfter>;

/** Writes a chained batch and moves the head, in one statement: a batch costs its round trips more than its rows. */
async function writeChained(trx: Db, c: Chained): Promise<void> {
  if (!c.links.length && !c.rows.length) return;
  const steps = [sql`head as (update audit_head set seq = ${c.head.seq}, hash = ${c.head.hash} where id = 1)`];
  if (c.links.length) steps.push(sql`sealed as (${sealStatement(c.links)})`);
  if (c.rows.length) steps.push(sql`appended as (${insertStatement(c.rows)})`);
  await sql`with ${sql.join(steps)} select 1`.execute(trx);
}

/**
 * One chaining step, in the caller's transaction: holds the head, reads up to `limit` committed
 * unsealed rows (after the head is held, so none is chained twice), gives them the next seq numbers
 * and links in insertion order, then chains `fresh` events after them, and moves the head. Rows that
 * committed earlier thus come first: the chain's order is the order in which events committed.
 * Returns how many unsealed rows it sealed.
 */
export async function sealAndAppend(trx: Db, fresh: AuditInput[], limit: number): Promise<number> {
  const head = await lockHead(trx);
  const unsealed = await trx
    .selectFrom('audit_event')
    .selectAll()
    .where('seq', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  await writeChained(trx, chainAfter(head, unsealed, fresh));
  return unsealed.length;
}

type Link = { id: string; seq: string; prev_hash: string; hash: string };
type SealedColumns = ReturnType<typeof columnsOf> & Omit<Link, 'id'>;

/** A column of the batch as one array parameter: a batch is one statement with 20 parameters, not 20 a row. */
const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);
const pgArray = (values: string[]) => `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

const sealStatement = (links: Link[]) => sql`
  update audit_event e set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
  from unnest(${col(links, 'id')}::bigint[], ${col(links, 'seq')}::bigint[], ${col(links, 'prev_hash')}::text[],
    ${col(links, 'hash')}::text[]) as v(id, seq, prev_hash, hash)
  where e.id = v.id and e.seq is null`;

const insertStatement = (rows: SealedColumns[]) => sql`
  insert into audit_event (seq, at, user_id, username, real_name, department_id, department_name, roles, category,
    action, target_type, target_id, row_count, ip, user_agent, outcome, status_code, detail, prev_hash, hash)
  select seq, at, user_id, username, real_name, department_id, department_name, roles::text[], category,
    action, target_type, target_id, row_count, ip, user_agent, outcome, status_code, detail::jsonb, prev_hash, hash
  from unnest(${col(rows, 'seq')}::bigint[], ${col(rows, 'at')}::timestamptz[], ${col(rows, 'user_id')}::uuid[],
    ${col(rows, 'username')}::text[], ${col(rows, 'real_name')}::text[], ${col(rows, 'department_id')}::uuid[],
    ${col(rows, 'department_name')}::text[], ${rows.map((r) => pgArray(r.roles))}::text[],
    ${col(rows, 'category')}::text[], ${col(rows, 'action')}::text[], ${col(rows, 'target_type')}::text[],
    ${col(rows, 'target_id')}::text[], ${col(rows, 'row_count')}::int[], ${col(rows, 'ip')}::text[],
    ${col(rows, 'user_agent')}::text[], ${col(rows, 'outcome')}::text[], ${col(rows, 'status_code')}::int[],
    ${col(rows, 'detail')}::text[], ${col(rows, 'prev_hash')}::text[], ${col(rows, 'hash')}::text[])
    as t(seq, at, user_id, username, real_name, department_id, department_name, roles, category, action,
      target_type, target_id, row_count, ip, user_agent, outcome, status_code, detail, prev_hash, hash)`;

export async function countUnsealed(db: Db): Promise<number> {
  const r = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function toRecord(r: Row<'audit_event'>): AuditRecord {
  return {
    seq: r.seq ?? '',
    at: r.at,
    userId: r.user_id,
    username: r.username,
    realName: r.real_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    roles: r.roles,
    category: r.category,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    rowCount: r.row_count,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
    statusCode: r.status_code,
    detail: r.detail,
  };
}

export async function getAuditHead(db: Db) {
  return db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
}

/** Reads the log in seq order, a batch at a time, so verification never holds the whole log in memory. */
export async function* scanAuditEvents(db: Db, batch = 2000): AsyncGenerator<SealedAuditRow> {
  let after = '0';
  for (;;) {
    const rows = (await db
      .selectFrom('audit_event')
      .selectAll()
      .where(sql<SqlBool>`seq > ${after}::bigint`)
      .orderBy('seq')
      .limit(batch)
      .execute()) as SealedAuditRow[];
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  category?: string;
  outcome?: string;
  departmentId?: string;
  /** Matches user name, real name, action or target id. */
  q?: string;
  /** Keyset paging for exports: only events older than this seq. */
  beforeSeq?: string;
}

function filtered(db: Db, f: AuditFilter) {
  return db.selectFrom('audit_event').where((eb) => {
    // The log is its sealed rows; an event still waiting for the sealer shows once it is chained.
    const conds: Expression<SqlBool>[] = [eb('seq', 'is not', null)];
    if (f.from) conds.push(eb('at', '>=', f.from));
    if (f.to) conds.push(eb('at', '<', f.to));
    if (f.category) conds.push(eb('category', '=', f.category));
    if (f.outcome) conds.push(eb('outcome', '=', f.outcome as Row<'audit_event'>['outcome']));
    if (f.departmentId) conds.push(eb('department_id', '=', f.departmentId));
    if (f.beforeSeq) conds.push(sql<SqlBool>`seq < ${f.beforeSeq}::bigint`);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conds.push(
        eb.or([
          eb('username', 'ilike', like),
          eb('real_name', 'ilike', like),
          eb('action', 'ilike', like),
          eb('target_id', 'ilike', like),
        ]),
      );
    }
    return eb.and(conds);
  });
}

export async function searchAuditEvents(db: Db, f: AuditFilter, limit: number, offset: number) {
  const base = filtered(db, f);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as SealedAuditRow[], total: Number(total.n) };
}

export async function* streamAuditEvents(db: Db, f: AuditFilter, batch = 1000): AsyncGenerator<SealedAuditRow> {
  let beforeSeq = f.beforeSeq;
  for (;;) {
    const rows = (await filtered(db, { ...f, beforeSeq })
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(batch)
      .execute()) as SealedAuditRow[];
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    beforeSeq = rows[rows.length - 1]!.seq;
  }
}
