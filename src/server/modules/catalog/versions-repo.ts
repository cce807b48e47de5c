import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { CatalogEntryTable, CatalogEntryVersionTable, DB, NewRow, RowUpdate } from '../../db/types';
import type { NormalisedItem } from '../../../shared/catalog/rules';
import type { Scope } from '../../platform/rbac/scope';
import { segmentForIndex } from './segment';
import { pinyinKey } from '../../../shared/search/pinyin';

/** Who is reading: scopeOf(actor, 'catalog.version.read'). */
export type Viewer = Scope;

/** Working-version statuses a platform administrator sees: what reached (or came back from) platform review. */
const ADMIN_STATUSES = ['platform_review', 'scheduled', 'rejected'] as const;
/** Statuses of a version that is still being worked on; an entry has at most one. */
export const OPEN_STATUSES = ['draft', 'dept_review', 'platform_review', 'rejected', 'scheduled'] as const;

type Aliased = DB & { v: CatalogEntryVersionTable; e: CatalogEntryTable };

/**
 * Authorization as a query filter (v = catalog_entry_version, e = catalog_entry): published history
 * is readable by every internal user, a department also reads its own drafts, the city-wide scope
 * (the platform administrator) what is in or came back from platform review.
 */
export function visibleVersion(viewer: Viewer): Expression<SqlBool> {
  const eb = expressionBuilder<Aliased, 'v' | 'e'>();
  const ors = [eb('v.status', 'in', ['published', 'superseded'])];
  if (viewer.kind === 'department') ors.push(eb('e.provider_department_id', '=', viewer.departmentId));
  if (viewer.kind === 'all') ors.push(eb('v.status', 'in', ADMIN_STATUSES));
  return eb.or(ors);
}

/** The entry filter matching visibleVersion: readable when any of its versions is. */
export function visibleEntry(viewer: Viewer): Expression<SqlBool> {
  const eb = expressionBuilder<Aliased, 'e'>();
  const ors = [eb('e.current_version_id', 'is not', null)];
  if (viewer.kind === 'department') ors.push(eb('e.provider_department_id', '=', viewer.departmentId));
  if (viewer.kind === 'all') {
    ors.push(
      eb.exists(
        eb
          .selectFrom('catalog_entry_version as w')
          .select('w.id')
          .whereRef('w.entry_id', '=', 'e.id')
          .where('w.status', 'in', ADMIN_STATUSES),
      ),
    );
  }
  return eb.or(ors);
}

const base = (db: Db) =>
  db
    .selectFrom('catalog_entry_version as v')
    .innerJoin('catalog_entry as e', 'e.id', 'v.entry_id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id');

const COLUMNS = [
  'v.id',
  'v.entry_id',
  'v.version_no',
  'v.change_kind',
  'v.status',
  'v.name',
  'v.summary',
  'v.provider_office',
  'v.format_kind',
  'v.format_type',
  'v.share_type',
  'v.share_condition',
  'v.share_methods',
  'v.open_type',
  'v.open_condition',
  'v.update_cycle',
  'v.open_domains',
  'v.related_codes',
  'v.rejection_reason',
  'v.change_note',
  'v.impact',
  'v.submitted_at',
  'v.approved_at',
  'v.published_at',
  'v.effective_at',
  'v.created_by',
  'v.created_at',
  'v.updated_at',
  'e.code',
  'e.class_code',
  'e.provider_department_id',
  'e.status as entry_status',
  'e.current_version_id',
  'd.name as provider_department_name',
] as const;

export type VersionRow = NonNullable<Awaited<ReturnType<typeof findVersion>>>;
export type ItemRow = Awaited<ReturnType<typeof itemsOf>>[number];

export function findVersion(db: Db, id: string, viewer?: Viewer) {
  let q = base(db).select(COLUMNS).where('v.id', '=', id);
  if (viewer) q = q.where(visibleVersion(viewer));
  return q.executeTakeFirst();
}

/** Every version of an entry the viewer may read, oldest first. */
export function listEntryVersions(db: Db, entryId: string, viewer: Viewer) {
  return base(db)
    .select(COLUMNS)
    .where('v.entry_id', '=', entryId)
    .where(visibleVersion(viewer))
    .orderBy('v.version_no')
    .execute();
}

/** The entry's version in progress (draft … scheduled), if the viewer may see it. */
export function openVersion(db: Db, entryId: string, viewer?: Viewer) {
  let q = base(db).select(COLUMNS).where('v.entry_id', '=', entryId).where('v.status', 'in', OPEN_STATUSES);
  if (viewer) q = q.where(visibleVersion(viewer));
  return q.orderBy('v.version_no', 'desc').executeTakeFirst();
}

/** The latest published version before version_no, the natural base of a diff. */
export function previousPublished(db: Db, entryId: string, versionNo: number) {
  return db
    .selectFrom('catalog_entry_version')
    .select('id')
    .where('entry_id', '=', entryId)
    .where('version_no', '<', versionNo)
    .where('status', 'in', ['published', 'superseded'])
    .orderBy('version_no', 'desc')
    .executeTakeFirst();
}

export function itemsOf(db: Db, versionIds: string[]) {
  if (!versionIds.length) return Promise.resolve([]);
  return db
    .selectFrom('catalog_data_item')
    .selectAll()
    .where('version_id', 'in', versionIds)
    .orderBy('version_id')
    .orderBy('position')
    .execute();
}

/** Locks the version row for a state change, so two reviewers cannot both decide. */
export function lockVersion(db: Db, id: string) {
  return db
    .selectFrom('catalog_entry_version')
    .select(['id', 'entry_id', 'status', 'change_kind'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertVersion(db: Db, row: NewRow<'catalog_entry_version'>): Promise<string> {
  return (await db.insertInto('catalog_entry_version').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateVersion(db: Db, id: string, patch: RowUpdate<'catalog_entry_version'>): Promise<void> {
  await db.updateTable('catalog_entry_version').set(patch).where('id', '=', id).execute();
}

export async function replaceItems(db: Db, versionId: string, items: readonly NormalisedItem[]): Promise<void> {
  await db.deleteFrom('catalog_data_item').where('version_id', '=', versionId).execute();
  if (!items.length) return;
  await db
    .insertInto('catalog_data_item')
    .values(
      items.map((i, position) => ({
        version_id: versionId,
        position,
        name: i.name,
        field_name: i.fieldName,
        data_type: i.dataType,
        length: i.length,
        description: i.description,
        sensitivity: i.sensitivity,
        mask_rule: i.maskRule,
        share_type: i.shareType,
        open_type: i.openType,
      })),
    )
    .execute();
}

/**
 * The search document of a version (R-05): jieba tokens of the name weigh most (A), then the data
 * items' names and descriptions (B), then the summary (C); and the name's pinyin. Every version save
 * calls this; search reads them and never recomputes them.
 */
export async function writeSearchDoc(
  db: Db,
  versionId: string,
  doc: { name: string; items: ReadonlyArray<{ name: string; description?: string | null }>; summary: string },
): Promise<void> {
  const name = segmentForIndex(doc.name);
  const items = segmentForIndex(doc.items.map((i) => `${i.name} ${i.description ?? ''}`).join(' '));
  const summary = segmentForIndex(doc.summary);
  await db
    .updateTable('catalog_entry_version')
    .set({
      search_doc: sql`setweight(to_tsvector('simple', ${name}), 'A') || setweight(to_tsvector('simple', ${items}), 'B') || setweight(to_tsvector('simple', ${summary}), 'C')`,
      name_pinyin: pinyinKey(doc.name),
    })
    .where('id', '=', versionId)
    .execute();
}

export async function insertReview(db: Db, row: NewRow<'catalog_review'>): Promise<void> {
  await db.insertInto('catalog_review').values(row).execute();
}

export function reviewsOf(db: Db, versionIds: string[]) {
  if (!versionIds.length) return Promise.resolve([]);
  return db
    .selectFrom('catalog_review as r')
    .leftJoin('app_user as u', 'u.id', 'r.actor_id')
    .select([
      'r.id',
      'r.version_id',
      'r.step',
      'r.decision',
      'r.reason',
      'r.actor_id',
      'u.real_name as actor_name',
      'r.at',
    ])
    .where('r.version_id', 'in', versionIds)
    .orderBy('r.id')
    .execute();
}

/** The highest version number an entry has used (withdrawn versions keep theirs). */
export async function maxVersionNo(db: Db, entryId: string): Promise<number> {
  const r = await db
    .selectFrom('catalog_entry_version')
    .select((eb) => eb.fn.max('version_no').as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** City-wide: current versions by status (published ones, and those on their way). */
export function versionCountsByStatus(db: Db) {
  return db
    .selectFrom('catalog_entry_version')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', 'in', ['published', ...OPEN_STATUSES])
    .groupBy('status')
    .execute();
}
