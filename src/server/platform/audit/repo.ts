import { finished } from 'node:stream/promises';
import { sql, type Expression, type SqlBool } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyField } from '../../db/copy-field';
import { postgresPoolOf } from '../../db/open';
import type { Db } from '../../app-context';
import type { Row } from '../../db/types';
import { matchingAuditActions } from '../../../shared/audit/actions';
import { chainHash, type AuditRecord } from './chain';
import { escapeLike } from '../../db/like';
import { scopeFilter, type Scope } from '../rbac/scope';

export type AuditInput = Omit<AuditRecord, 'seq'>;

/** A row in the chain: the log's readers see only these. */
export type SealedAuditRow = Row<'audit_event'> & { seq: string; prev_hash: string; hash: string };

interface Link {
  seq: string | null;
  prev_hash: string | null;
  hash: string | null;
}
const UNSEALED: Link = { seq: null, prev_hash: null, hash: null };

/** One literal with every column: the writer builds one per event, so no spreads or added fields. */
const columnsOf = (r: AuditInput, link: Link) => ({
  seq: link.seq,
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
  target_name: r.targetName,
  row_count: r.rowCount,
  ip: r.ip,
  user_agent: r.userAgent,
  outcome: r.outcome,
  status_code: r.statusCode,
  detail: r.detail ?? null,
  prev_hash: link.prev_hash,
  hash: link.hash,
  provider_department_id: r.providerDepartmentId,
  consumer_department_id: r.consumerDepartmentId,
});
type ChainedRow = ReturnType<typeof columnsOf>;

/**
 * Inserts events unsealed (no seq, no hash): a plain INSERT that waits for no other writer. Inside a
 * caller's transaction the events share its fate: no record of a change that rolled back.
 */
export async function insertUnsealed(db: Db, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return;
  const rows = inputs.map((r) =>
    columnsOf({ ...r, detail: r.detail == null ? null : JSON.stringify(r.detail) }, UNSEALED),
  );
  await db.insertInto('audit_event').values(rows).execute();
}

export interface ChainHead {
  seq: string;
  hash: string;
}

/** Waits for the chain's head and holds it to the end of the transaction: chaining writers take turns on it, appends never touch it. */
function lockHead(trx: Db): Promise<ChainHead> {
  return trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
}

/**
 * Unsealed rows and new events given their places after `head`. Written without object spreads: the
 * writer runs this for every event, and copying its fields twice per event cost more than hashing it.
 */
function chainAfter(head: ChainHead, unsealed: Row<'audit_event'>[], fresh: AuditInput[]) {
  let seq = BigInt(head.seq);
  let prev = head.hash;
  const next = (record: AuditInput): Link => {
    const link = { seq: String(++seq), prev_hash: prev, hash: '' };
    prev = link.hash = chainHash(prev, link.seq, record);
    return link;
  };
  const links = unsealed.map((row) => ({ id: row.id, ...next(toRecord(row)) }));
  const rows = fresh.map((input) => columnsOf(input, next(input)));
  return { links, rows, head: { seq: String(seq), hash: prev } };
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

/** Unsealed rows one chaining step takes at most: the sealer loops until a step takes fewer. */
export const SEAL_STEP = 1000;

/** Committed rows still waiting for their link, oldest first. */
function unsealedRows(trx: Db, limit: number) {
  return trx.selectFrom('audit_event').selectAll().where('seq', 'is', null).orderBy('id').limit(limit).execute();
}

/**
 * One chaining step, in the caller's transaction: holds the head, reads up to SEAL_STEP committed
 * unsealed rows (after the head is held, so none is chained twice), gives them the next seq numbers
 * and links in insertion order, then chains `fresh` events after them, and moves the head. Rows that
 * committed earlier thus come first: the chain's order is the order in which events committed.
 * Returns how many unsealed rows it sealed and the head it left.
 */
export async function sealAndAppend(trx: Db, fresh: AuditInput[]) {
  const head = await lockHead(trx);
  const unsealed = await unsealedRows(trx, SEAL_STEP);
  const chained = chainAfter(head, unsealed, fresh);
  await writeChained(trx, chained);
  return { sealed: unsealed.length, head: chained.head };
}

/** Events chained in advance after a head the writer expects (appendAhead). */
export type ChainedAhead = Chained & { after: ChainHead };
export const chainAhead = (expected: ChainHead, fresh: AuditInput[]): ChainedAhead => ({
  ...chainAfter(expected, [], fresh),
  after: expected,
});

/** A batch's turn on the head: the hold of the batch ahead, and the signal that this one holds it. */
export interface Turn {
  before: Promise<unknown>;
  held: () => void;
}

/**
 * The writer's fast path, one transaction. Inserts the rows of a batch chained ahead while earlier
 * batches may still be committing (nothing they touch is locked); then, its turn come, moves the head
 * past them if it is still the head they follow and no committed event waits unsealed (those come
 * first: the chain keeps the order in which events committed), and commits. Otherwise it rolls back —
 * the rows sit on numbers that are not theirs — and returns false: the caller chains them again
 * under the lock. On PostgreSQL the rows go in by COPY, which costs the server half what a
 * multi-row INSERT does; PGlite speaks no COPY protocol.
 */
export async function appendAhead(db: Db, c: ChainedAhead, turn: Turn): Promise<boolean> {
  const pool = postgresPoolOf(db);
  if (pool) return appendAheadByCopy(pool, c, turn);
  try {
    return await db.transaction().execute(async (trx) => {
      await insertStatement(c.rows).execute(trx);
      await turn.before;
      const moved = await sql.raw<{ hash: string }>(moveHeadText(c)).execute(trx);
      turn.held();
      if (moved.rows[0]?.hash !== c.head.hash) throw new HeadMoved();
      return true;
    });
  } catch (e) {
    if (e instanceof HeadMoved) return false;
    throw e;
  }
}

class HeadMoved extends Error {}

async function appendAheadByCopy(pool: pg.Pool, c: ChainedAhead, turn: Turn): Promise<boolean> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const copy = client.query(copyFrom(`copy audit_event (${SEALED_COLUMNS_TEXT}) from stdin`));
    copy.end(c.rows.map(copyLine).join(''));
    await finished(copy);
    await turn.before;
    const moved = (await client.query<{ hash: string }>(moveHeadText(c))).rows[0]?.hash === c.head.hash;
    turn.held();
    await client.query(moved ? 'commit' : 'rollback');
    return moved;
  } catch (e) {
    await client.query('rollback').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Moves the head past a batch chained ahead, if it is still the head the batch follows and no
 * committed event waits unsealed; waits for the lock of the batch ahead (its commit). Returns the
 * head's hash: the batch's own if it moved it. The hash, not the seq: another writer may have moved
 * the head to the same seq with other events. Seq numbers and hashes are written in (as literals from
 * our own digits and hex, never input): a statement without parameters is one message to the server,
 * not five.
 */
function moveHeadText(c: ChainedAhead): string {
  const seq = (s: string) => BigInt(s).toString();
  const hash = (h: string) => {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`not a chain hash: ${h}`);
    return `'${h}'`;
  };
  // The condition is in SET, not WHERE: WHERE would be judged on the head as it was when the statement
  // began, before the batch ahead committed; SET sees the head as it is once the lock is ours.
  const follows = `seq = ${seq(c.after.seq)} and hash = ${hash(c.after.hash)}
    and not exists (select from audit_event where seq is null)`;
  return `update audit_head set seq = case when ${follows} then ${seq(c.head.seq)} else seq end,
      hash = case when ${follows} then ${hash(c.head.hash)} else hash end
    where id = 1 returning hash`;
}

/** A chained row as a line of COPY text, in SEALED_COLUMNS' order; seq, time and hashes need no escapes. */
function copyLine(r: ChainedRow): string {
  const roles = `{${r.roles.map((role) => `"${role.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  const detail = r.detail == null ? null : JSON.stringify(r.detail);
  return `${r.seq}\t${r.at.toISOString()}\t${copyField(r.user_id)}\t${copyField(r.username)}\t${copyField(r.real_name)}\t${copyField(r.department_id)}\t${copyField(r.department_name)}\t${copyField(roles)}\t${copyField(r.category)}\t${copyField(r.action)}\t${copyField(r.target_type)}\t${copyField(r.target_id)}\t${copyField(r.target_name)}\t${copyField(r.row_count)}\t${copyField(r.ip)}\t${copyField(r.user_agent)}\t${copyField(r.outcome)}\t${copyField(r.status_code)}\t${copyField(detail)}\t${r.prev_hash}\t${r.hash}\t${copyField(r.provider_department_id)}\t${copyField(r.consumer_department_id)}\n`;
}

/*
 * A batch travels as one JSON parameter that PostgreSQL unpacks into rows: JSON.stringify is native,
 * where binding 20 array parameters cost the writer more CPU per event than hashing it.
 */
const sealStatement = (links: Chained['links']) => sql`
  update audit_event e set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
  from json_to_recordset(${JSON.stringify(links)}::json) as v(id bigint, seq bigint, prev_hash text, hash text)
  where e.id = v.id and e.seq is null`;

const SEALED_COLUMNS_TEXT = `seq, at, user_id, username, real_name, department_id, department_name, roles, category,
    action, target_type, target_id, target_name, row_count, ip, user_agent, outcome, status_code, detail, prev_hash, hash,
    provider_department_id, consumer_department_id`;
const SEALED_COLUMNS = sql.raw(SEALED_COLUMNS_TEXT);

const insertStatement = (rows: ChainedRow[]) => sql`
  insert into audit_event (${SEALED_COLUMNS})
  select ${SEALED_COLUMNS} from json_populate_recordset(null::audit_event, ${JSON.stringify(rows)}::json)`;

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
    targetName: r.target_name,
    rowCount: r.row_count,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
    statusCode: r.status_code,
    detail: r.detail,
    providerDepartmentId: r.provider_department_id,
    consumerDepartmentId: r.consumer_department_id,
  };
}

export async function getAuditHead(db: Db) {
  return db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
}

/**
 * Reads the log in seq order, a batch at a time, so verification never holds the whole log in memory.
 * Pages on (seq, id): no index makes seq unique, so a forged row repeating a seq is read too.
 */
export async function* scanAuditEvents(db: Db, batch = 2000): AsyncGenerator<SealedAuditRow> {
  let after = { seq: '0', id: '0' };
  for (;;) {
    const rows = (await db
      .selectFrom('audit_event')
      .selectAll()
      .where(sql<SqlBool>`seq is not null and (seq, id) > (${after.seq}::bigint, ${after.id}::bigint)`)
      .orderBy('seq')
      .orderBy('id')
      .limit(batch)
      .execute()) as SealedAuditRow[];
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!;
  }
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  category?: string;
  outcome?: string;
  departmentId?: string;
  /** One account's events (a public user's own downloads in the user centre). */
  userId?: string;
  actions?: string[];
  /**
   * Matches an account, a real name, a target's name or the grant an event of the data API names
   * (parts of them too), a target id whole, or an action by part of its code or label: a request or
   * grant number, a resource's code or name finds its events.
   */
  q?: string;
  /** Keyset paging for exports: only events older than this seq. */
  beforeSeq?: string;
  /**
   * R-42: a department sees the events it did and those about its data and its use — naming it as
   * provider or consumer. A filter over the one log, never a copy of it.
   */
  concerning?: Scope;
}

/**
 * The words a keyword searches, as one text: exactly the expression of the trigram index
 * audit_event_search (migration 0017), so that the planner can use it; chr(31) keeps a keyword from
 * matching across two fields.
 */
const SEARCH_TEXT =
  sql.raw(`(coalesce(username, '') || chr(31) || coalesce(real_name, '') || chr(31) || coalesce(target_name, '')
  || chr(31) || coalesce(detail ->> 'grantNo', ''))`);

function filtered(db: Db, f: AuditFilter) {
  return db.selectFrom('audit_event').where((eb) => {
    // The log is its sealed rows; an event still waiting for the sealer shows once it is chained.
    const conds: Expression<SqlBool>[] = [eb('seq', 'is not', null)];
    if (f.from) conds.push(eb('at', '>=', f.from));
    if (f.to) conds.push(eb('at', '<', f.to));
    if (f.category) conds.push(eb('category', '=', f.category));
    if (f.outcome) conds.push(eb('outcome', '=', f.outcome as Row<'audit_event'>['outcome']));
    if (f.departmentId) conds.push(eb('department_id', '=', f.departmentId));
    if (f.userId) conds.push(eb('user_id', '=', f.userId));
    if (f.actions?.length) conds.push(eb('action', 'in', f.actions));
    if (f.beforeSeq) conds.push(sql<SqlBool>`seq < ${f.beforeSeq}::bigint`);
    if (f.concerning)
      conds.push(scopeFilter(f.concerning, 'department_id', 'provider_department_id', 'consumer_department_id'));
    if (f.q) {
      const like = `%${escapeLike(f.q)}%`;
      // Each alternative has an index of its own, so PostgreSQL ORs their bitmaps instead of reading every row.
      conds.push(
        eb.or([
          sql<SqlBool>`${SEARCH_TEXT} ilike ${like}`,
          eb('target_id', '=', f.q),
          eb('action', 'in', matchingAuditActions(f.q)),
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
