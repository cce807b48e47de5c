import { sql } from 'kysely';
import type { Db } from '../../src/server/app-context';
import type { NewRow } from '../../src/server/db/types';
import { segmentForIndex } from '../../src/server/modules/catalog/segment';
import type { TestApp } from '../helpers/app';
import { pinyinKey } from '../../src/shared/search/pinyin';

/**
 * Catalog entries written straight into the tables for the search tests, so they do not depend on
 * the compile → review → publish flow. The search document is built as the catalog lifecycle's
 * writeSearchDoc builds it: jieba tokens of the name (weight A), the data items (B), the summary (C).
 */
export interface EntrySpec {
  name: string;
  departmentId: string;
  summary?: string;
  items?: string[];
  classCode?: string;
  shareType?: 'unconditional' | 'conditional' | 'none';
  openType?: 'unconditional' | 'conditional' | 'none';
  formatKind?: string;
  shareMethods?: string[];
  openDomains?: string[];
  updateCycle?: string;
  publishedAt?: Date;
  /** Defaults: entry 'published', version 'published'. */
  entryStatus?: 'draft' | 'published' | 'deleted';
  versionStatus?: NewRow<'catalog_entry_version'>['status'];
  /** Whether the version passed its confidentiality reviews and is on the portal; default: when open. */
  onPortal?: boolean;
  /** Inserted while the later search migrations are rolled back: only the columns of migration 0004. */
  beforeMigration?: boolean;
}

let seq = 0;

export function searchDoc(name: string, items: string[], summary: string) {
  return sql`setweight(to_tsvector('simple', ${segmentForIndex(name)}), 'A')
    || setweight(to_tsvector('simple', ${segmentForIndex(items.join(' '))}), 'B')
    || setweight(to_tsvector('simple', ${segmentForIndex(summary)}), 'C')`;
}

async function insertVersion(
  db: Db,
  entryId: string,
  versionNo: number,
  s: EntrySpec,
  status: NewRow<'catalog_entry_version'>['status'],
) {
  const items = s.items ?? [];
  const summary = s.summary ?? `${s.name}，由提供部门按月更新。`;
  const v = await db
    .insertInto('catalog_entry_version')
    .values({
      entry_id: entryId,
      version_no: versionNo,
      change_kind: versionNo === 1 ? 'create' : 'update',
      status,
      name: s.name,
      summary,
      provider_office: null,
      format_kind: s.formatKind ?? 'database',
      format_type: null,
      share_type: s.shareType ?? 'unconditional',
      share_condition: s.shareType && s.shareType !== 'unconditional' ? '依据《上饶市政务数据共享开放管理办法》' : null,
      share_methods: s.shareMethods ?? ['api'],
      open_type: s.openType ?? 'none',
      open_condition: null,
      update_cycle: s.updateCycle ?? 'monthly',
      open_domains: s.openDomains ?? [],
      related_codes: [],
      rejection_reason: null,
      change_note: null,
      impact: null,
      submitted_at: null,
      approved_at: null,
      published_at:
        status === 'published' || status === 'superseded' ? (s.publishedAt ?? new Date('2026-10-01T00:00:00Z')) : null,
      effective_at: null,
      created_by: null,
      updated_at: new Date(),
      search_doc: searchDoc(s.name, items, summary),
      // Left out only while the pinyin migration is rolled back (the migration test).
      ...(s.beforeMigration ? {} : { name_pinyin: pinyinKey(s.name) }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (items.length) {
    await db
      .insertInto('catalog_data_item')
      .values(
        items.map((name, i) => ({
          version_id: v.id,
          position: i + 1,
          name,
          field_name: null,
          data_type: 'C',
          length: 50,
          description: null,
          mask_rule: null,
        })),
      )
      .execute();
  }
  return v.id;
}

/** An entry with one version, published unless the spec says otherwise. */
export async function insertEntry(db: Db, s: EntrySpec): Promise<{ entryId: string; versionId: string; code: string }> {
  const classCode = s.classCode ?? '101';
  const n = ++seq;
  const prefix = `T${classCode}${process.pid % 1000}`;
  const code = `${prefix}/${String(n).padStart(6, '0')}`;
  const e = await db
    .insertInto('catalog_entry')
    .values({
      code,
      prefix,
      seq: n,
      class_code: classCode,
      provider_department_id: s.departmentId,
      status: 'draft',
      current_version_id: null,
      created_by: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const versionId = await insertVersion(db, e.id, 1, s, s.versionStatus ?? 'published');
  await db
    .updateTable('catalog_entry')
    .set({
      status: s.entryStatus ?? 'published',
      current_version_id: versionId,
      // Only when on the portal: a test may insert while the portal migration is rolled back.
      ...((s.onPortal ?? (s.openType ?? 'none') !== 'none') ? { portal_version_id: versionId } : {}),
    })
    .where('id', '=', e.id)
    .execute();
  return { entryId: e.id, versionId, code };
}

/** A further version of an entry that does not become current (a change in review, or an old one). */
export async function insertOtherVersion(
  db: Db,
  entryId: string,
  versionNo: number,
  s: EntrySpec,
  status: NewRow<'catalog_entry_version'>['status'],
) {
  return insertVersion(db, entryId, versionNo, s, status);
}

/** Makes a new published version current and supersedes the previous one, as a published change does. */
export async function publishChange(db: Db, entryId: string, s: EntrySpec): Promise<string> {
  const prev = await db
    .selectFrom('catalog_entry')
    .select('current_version_id')
    .where('id', '=', entryId)
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('catalog_entry_version')
    .select((eb) => eb.fn.max('version_no').as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirstOrThrow();
  const id = await insertVersion(db, entryId, Number(last.n) + 1, s, 'published');
  await db
    .updateTable('catalog_entry_version')
    .set({ status: 'superseded' })
    .where('id', '=', prev.current_version_id!)
    .execute();
  await db.updateTable('catalog_entry').set({ current_version_id: id }).where('id', '=', entryId).execute();
  return id;
}

/** Signs in a fresh user with the given roles; returns request headers. */
export async function reader(t: TestApp, roles: Parameters<TestApp['user']>[0] = ['dept_user'], departmentId?: string) {
  const u = await t.user(roles, departmentId ? { departmentId } : {});
  const { cookie } = await t.login(u.username);
  return { ...u, headers: { cookie } };
}

/** GET /api/catalog/search with the given query parameters. */
export function search(t: TestApp, headers: Record<string, string>, params: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return t.inject({ method: 'GET', url: `/api/catalog/search${qs ? `?${qs}` : ''}`, headers });
}
