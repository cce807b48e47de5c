import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { Row } from '../../db/types';
import { chainHash, type AuditRecord } from './chain';

export type AuditInput = Omit<AuditRecord, 'seq'>;

/**
 * Appends under a row lock on the head, so concurrent writers (even across processes) form one chain.
 * Inside a caller's transaction the event shares its fate: no record of a change that rolled back.
 */
export async function appendAuditEvent(db: Db, input: AuditInput): Promise<AuditRecord & { hash: string }> {
  const append = async (trx: Db) => {
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const record: AuditRecord = { ...input, seq: String(BigInt(head.seq) + 1n) };
    const hash = chainHash(head.hash, record);
    await trx
      .insertInto('audit_event')
      .values({
        seq: record.seq,
        at: record.at,
        user_id: record.userId,
        username: record.username,
        real_name: record.realName,
        department_id: record.departmentId,
        department_name: record.departmentName,
        roles: record.roles,
        category: record.category,
        action: record.action,
        target_type: record.targetType,
        target_id: record.targetId,
        row_count: record.rowCount,
        ip: record.ip,
        user_agent: record.userAgent,
        outcome: record.outcome,
        status_code: record.statusCode,
        detail: record.detail === null || record.detail === undefined ? null : JSON.stringify(record.detail),
        prev_hash: head.hash,
        hash,
      })
      .execute();
    await trx.updateTable('audit_head').set({ seq: record.seq, hash }).where('id', '=', 1).execute();
    return { ...record, hash };
  };
  return db.isTransaction ? append(db) : db.transaction().execute(append);
}

export function toRecord(r: Row<'audit_event'>): AuditRecord {
  return {
    seq: r.seq,
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
export async function* scanAuditEvents(db: Db, batch = 2000): AsyncGenerator<Row<'audit_event'>> {
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where(sql<SqlBool>`seq > ${after}::bigint`)
      .orderBy('seq')
      .limit(batch)
      .execute();
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
    const conds: Expression<SqlBool>[] = [];
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
  return { rows, total: Number(total.n) };
}

export async function* streamAuditEvents(db: Db, f: AuditFilter, batch = 1000): AsyncGenerator<Row<'audit_event'>> {
  let beforeSeq = f.beforeSeq;
  for (;;) {
    const rows = await filtered(db, { ...f, beforeSeq })
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(batch)
      .execute();
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    beforeSeq = rows[rows.length - 1]!.seq;
  }
}
