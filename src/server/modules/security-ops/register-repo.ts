import { sql } from 'kysely';
import type { Db } from '../../app-context';
import { escapeLike } from '../../db/like';
import type { NewRow, RowUpdate } from '../../db/types';
import type { SecurityRecordKind } from '../../../shared/security/register';

/** security_record, security_action, security_attachment: the security operations register. */

export interface RecordFilter {
  kind?: SecurityRecordKind;
  /** Words in the title, scope, conductor or findings. */
  q?: string;
  /** Only records with follow-up actions still open. */
  openActions?: boolean;
}

function recordBase(db: Db) {
  return db
    .selectFrom('security_record as r')
    .innerJoin('app_user as cu', 'cu.id', 'r.created_by')
    .innerJoin('app_user as uu', 'uu.id', 'r.updated_by');
}

const RECORD_COLUMNS = [
  'r.id',
  'r.kind',
  'r.held_on',
  'r.title',
  'r.scope',
  'r.conducted_by',
  'r.findings',
  'r.conclusion',
  'r.created_by',
  'cu.real_name as created_by_name',
  'r.created_at',
  'uu.real_name as updated_by_name',
  'r.updated_at',
] as const;

export type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;

export const findRecord = (db: Db, id: string) =>
  recordBase(db).select(RECORD_COLUMNS).where('r.id', '=', id).executeTakeFirst();

export async function listRecords(db: Db, f: RecordFilter, limit: number, offset: number) {
  let q = recordBase(db);
  if (f.kind) q = q.where('r.kind', '=', f.kind);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or(['r.title', 'r.scope', 'r.conducted_by', 'r.findings'].map((c) => eb(sql.ref(c), 'ilike', like))),
    );
  }
  if (f.openActions) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('security_action as a')
          .select('a.id')
          .whereRef('a.record_id', '=', 'r.id')
          .where('a.done_at', 'is', null),
      ),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .select(RECORD_COLUMNS)
      .orderBy('r.held_on', 'desc')
      .orderBy('r.created_at', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function insertRecord(db: Db, row: NewRow<'security_record'>): Promise<string> {
  const r = await db.insertInto('security_record').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateRecord(db: Db, id: string, patch: RowUpdate<'security_record'>): Promise<void> {
  await db.updateTable('security_record').set(patch).where('id', '=', id).execute();
}

// ---- follow-up actions ----

const ACTION_COLUMNS = [
  'a.id',
  'a.record_id',
  'a.description',
  'a.owner',
  'a.due_on',
  'a.done_at',
  'du.real_name as done_by_name',
  'a.done_note',
  'a.created_at',
] as const;

const actionBase = (db: Db) =>
  db.selectFrom('security_action as a').leftJoin('app_user as du', 'du.id', 'a.done_by').select(ACTION_COLUMNS);

export type ActionRow = Awaited<ReturnType<typeof actionsOf>>[number];

export function actionsOf(db: Db, recordIds: string[]) {
  if (!recordIds.length) return Promise.resolve([]);
  return actionBase(db).where('a.record_id', 'in', recordIds).orderBy('a.due_on').orderBy('a.created_at').execute();
}

export const findAction = (db: Db, id: string) => actionBase(db).where('a.id', '=', id).executeTakeFirst();

export async function insertActions(db: Db, rows: NewRow<'security_action'>[]): Promise<void> {
  if (rows.length) await db.insertInto('security_action').values(rows).execute();
}

export async function insertAction(db: Db, row: NewRow<'security_action'>): Promise<string> {
  const r = await db.insertInto('security_action').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** Marks an open action done; 0 when it was done already (two people closing it at once). */
export async function completeAction(db: Db, id: string, by: string, note: string | null, at: Date): Promise<number> {
  const r = await db
    .updateTable('security_action')
    .set({ done_at: at, done_by: by, done_note: note })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Open actions past their day (due_on before `today`), oldest deadline first, with their record. */
export async function overdueActions(db: Db, today: string, limit: number) {
  const q = db
    .selectFrom('security_action as a')
    .innerJoin('security_record as r', 'r.id', 'a.record_id')
    .where('a.done_at', 'is', null)
    .where('a.due_on', '<', today);
  const [rows, total] = await Promise.all([
    q
      .select(['a.id', 'a.description', 'a.owner', 'a.due_on', 'r.id as record_id', 'r.title as record_title'])
      .orderBy('a.due_on')
      .limit(limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** How many actions are open and how many of them are past their day. */
export async function actionCounts(db: Db, today: string) {
  const r = await db
    .selectFrom('security_action')
    .where('done_at', 'is', null)
    .select((eb) => [
      eb.fn.countAll<string>().as('open'),
      eb.fn.count<string>(sql`case when due_on < ${today} then 1 end`).as('overdue'),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(r.open), overdue: Number(r.overdue) };
}

/** The latest day each kind was held on (kinds never held are absent). */
export function lastHeld(db: Db) {
  return db
    .selectFrom('security_record')
    .select(['kind', (eb) => eb.fn.max('held_on').as('held_on')])
    .groupBy('kind')
    .execute();
}

// ---- attachments ----

export async function insertAttachment(db: Db, row: NewRow<'security_attachment'>): Promise<string> {
  const r = await db.insertInto('security_attachment').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export const findAttachment = (db: Db, id: string) =>
  db.selectFrom('security_attachment').selectAll().where('id', '=', id).executeTakeFirst();

/** Binds the uploader's own unbound files to a record; returns how many were bound. */
export async function bindAttachments(db: Db, ids: string[], uploadedBy: string, recordId: string) {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('security_attachment')
    .set({ record_id: recordId })
    .where('id', 'in', ids)
    .where('uploaded_by', '=', uploadedBy)
    .where('record_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function attachmentsOf(db: Db, recordIds: string[]) {
  if (!recordIds.length) return Promise.resolve([]);
  return db
    .selectFrom('security_attachment')
    .select(['id', 'record_id', 'file_name', 'mime', 'size'])
    .where('record_id', 'in', recordIds)
    .orderBy('created_at')
    .execute();
}
