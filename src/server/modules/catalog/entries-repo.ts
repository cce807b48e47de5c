import type { Db } from '../../app-context';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { DB, NewRow, RowUpdate } from '../../db/types';
import { visibleEntry, type Viewer } from './versions-repo';
import { escapeLike } from '../../db/like';

export async function insertEntry(db: Db, row: NewRow<'catalog_entry'>): Promise<string> {
  return (await db.insertInto('catalog_entry').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateEntry(db: Db, id: string, patch: RowUpdate<'catalog_entry'>): Promise<void> {
  await db.updateTable('catalog_entry').set(patch).where('id', '=', id).execute();
}

export type EntryRow = NonNullable<Awaited<ReturnType<typeof findEntry>>>;

export function findEntry(db: Db, id: string, viewer?: Viewer) {
  let q = db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_class as c', 'c.code', 'e.class_code')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id')
    .select([
      'e.id',
      'e.code',
      'e.class_code',
      'c.name as class_name',
      'e.provider_department_id',
      'd.name as provider_department_name',
      'd.credit_code as provider_credit_code',
      'd.region_code as provider_region_code',
      'e.status',
      'e.current_version_id',
      'e.created_at',
      'e.updated_at',
    ])
    .where('e.id', '=', id);
  if (viewer) q = q.where(visibleEntry(viewer));
  return q.executeTakeFirst();
}

/** Which of these 信息资源代码 name an entry (deleted ones included: their codes stay taken). */
export async function entryIdByCode(db: Db, code: string): Promise<string | undefined> {
  return (await db.selectFrom('catalog_entry').select('id').where('code', '=', code).executeTakeFirst())?.id;
}

export async function existingCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const rows = await db.selectFrom('catalog_entry').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

const rowBase = (db: Db) =>
  db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.entry_id', 'e.id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id');

const ROW_COLUMNS = [
  'e.id as entry_id',
  'v.id as version_id',
  'e.code',
  'e.class_code',
  'v.name',
  'v.version_no',
  'v.change_kind',
  'v.status',
  'e.status as entry_status',
  'e.current_version_id',
  'v.share_type',
  'v.open_type',
  'e.provider_department_id',
  'd.name as provider_department_name',
  'v.rejection_reason',
  'v.change_note',
  'v.impact',
  'v.submitted_at',
  'v.effective_at',
  'v.published_at',
  'v.updated_at',
] as const;

export type VersionListRow = Awaited<ReturnType<typeof listDepartmentEntries>>['rows'][number];

export interface MineFilter {
  q?: string;
  status?: string;
}

/** A department's entries, each with its latest version (the one in progress, else the published one). */
type EntryVersionEb = ExpressionBuilder<DB & { e: DB['catalog_entry']; v: DB['catalog_entry_version'] }, 'e' | 'v'>;

/** v is e's latest version that was not withdrawn: what the department's own list shows of each entry. */
export function latestVersion(eb: EntryVersionEb): Expression<SqlBool> {
  return eb.and([
    eb('v.status', '!=', 'withdrawn'),
    eb.not(
      eb.exists(
        eb
          .selectFrom('catalog_entry_version as n')
          .select('n.id')
          .whereRef('n.entry_id', '=', 'e.id')
          .whereRef('n.version_no', '>', 'v.version_no')
          .where('n.status', '!=', 'withdrawn'),
      ),
    ),
  ]);
}

export async function listDepartmentEntries(
  db: Db,
  departmentId: string,
  f: MineFilter,
  limit: number,
  offset: number,
) {
  let q = rowBase(db).where('e.provider_department_id', '=', departmentId).where(latestVersion);
  if (f.q)
    q = q.where((eb) =>
      eb.or([eb('v.name', 'ilike', `%${escapeLike(f.q!)}%`), eb('e.code', 'like', `${escapeLike(f.q!)}%`)]),
    );
  if (f.status) q = q.where('v.status', '=', f.status as 'draft');
  const [rows, total] = await Promise.all([
    q.select(ROW_COLUMNS).orderBy('v.updated_at', 'desc').orderBy('e.code').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Versions waiting for a decision at one step; the department step only for the reviewer's department. */
export async function reviewQueue(
  db: Db,
  step: 'dept' | 'platform',
  departmentId: string | null,
  limit: number,
  offset: number,
) {
  if (step === 'dept' && !departmentId) return { rows: [], total: 0 };
  let q = rowBase(db).where('v.status', '=', step === 'dept' ? 'dept_review' : 'platform_review');
  if (step === 'dept') q = q.where('e.provider_department_id', '=', departmentId!);
  const [rows, total] = await Promise.all([
    q.select(ROW_COLUMNS).orderBy('v.submitted_at').orderBy('e.code').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Serialises the start of changes to one entry: the second starter then sees the first one's version. */
export async function lockEntry(db: Db, id: string): Promise<void> {
  await db.selectFrom('catalog_entry').select('id').where('id', '=', id).forUpdate().execute();
}

/** The version the open portal shows, or none (migration 0018; the search table follows by trigger). */
export async function setPortalVersion(db: Db, entryId: string, versionId: string | null): Promise<void> {
  await db.updateTable('catalog_entry').set({ portal_version_id: versionId }).where('id', '=', entryId).execute();
}
