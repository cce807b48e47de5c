import type { AppContext } from '../../app-context';
import type { NewRow } from '../../db/types';
import { inTransaction } from '../../db/tx';
import { notFound } from '../../platform/errors';
import { openDomainCodes } from './classes-service';
import { findClass } from './classes-repo';
import { allocateEntryCode } from './codes';
import type { EntryDetail, EntryVersion, VersionRow } from './entries-schemas';
import { actorDepartment } from './entries-access';
import * as repo from './entries-repo';
import { pendingNotice } from './changes-repo';
import { isSubscribed } from './subscriptions-repo';
import { assertEntryValid } from './assert-entry';
import type { NormalisedEntry, RuleKnowledge } from '../../../shared/catalog/rules';
import type { DataItemInput, EntryInput } from '../../../shared/catalog/schemas';
import { findVersion, openVersion, replaceItems, insertVersion, writeSearchDoc } from './versions-repo';
import { portalsOf, toNotice, toVersionRow, viewerOf, withItems, type CatalogActor } from './versions-model';

/**
 * What the compile rules need to know about an entry, looked up for one provider department.
 * The Excel import calls it per row as well.
 */
export async function ruleKnowledge(
  ctx: AppContext,
  input: Pick<EntryInput, 'classCode' | 'relatedCodes'>,
  providerDepartmentId: string,
): Promise<RuleKnowledge> {
  const cls = await findClass(ctx.db, input.classCode.trim());
  const active = cls?.status === 'active';
  return {
    classExists: active,
    classLevel: active ? cls.level : null,
    classDepartmentId: active ? cls.department_id : null,
    providerDepartmentId,
    openDomainCodes: await openDomainCodes(ctx),
    existingCodes: await repo.existingCodes(ctx.db, input.relatedCodes ?? []),
  };
}

/** The stored columns of a version's editable fields. */
export function versionColumns(e: NormalisedEntry) {
  return {
    name: e.name,
    summary: e.summary,
    provider_office: e.providerOffice,
    format_kind: e.formatKind,
    format_type: e.formatType,
    share_type: e.shareType,
    share_condition: e.shareCondition,
    share_methods: e.shareMethods,
    open_type: e.openType,
    open_condition: e.openCondition,
    update_cycle: e.updateCycle,
    open_domains: e.openDomains,
    related_codes: e.relatedCodes,
  } satisfies Partial<NewRow<'catalog_entry_version'>>;
}

/** A stored version as compile input again: the start of an edit or of the next version. */
export function versionAsInput(v: EntryVersion): EntryInput {
  return {
    classCode: v.classCode,
    name: v.name,
    summary: v.summary,
    providerOffice: v.providerOffice,
    formatKind: v.formatKind as EntryInput['formatKind'],
    formatType: v.formatType,
    shareType: v.shareType,
    shareCondition: v.shareCondition,
    shareMethods: v.shareMethods as EntryInput['shareMethods'],
    openType: v.openType,
    openCondition: v.openCondition,
    updateCycle: v.updateCycle as EntryInput['updateCycle'],
    openDomains: v.openDomains,
    relatedCodes: v.relatedCodes,
    items: v.items.map((i): DataItemInput => ({
      name: i.name,
      fieldName: i.fieldName,
      dataType: i.dataType as DataItemInput['dataType'],
      length: i.length,
      description: i.description,
      sensitivity: i.sensitivity,
      maskRule: i.maskRule,
      shareType: i.shareType,
      openType: i.openType,
    })),
  };
}

/**
 * R-03 step 1: a data specialist drafts an entry for their own department. The entry gets its code
 * now (前段码 = its class, 后段码 = next in that class) and keeps it for ever, deleted or not.
 */
export async function createEntry(ctx: AppContext, actor: CatalogActor, input: EntryInput): Promise<EntryDetail> {
  const departmentId = actorDepartment(actor);
  // Validated before a code is taken, so rejected input never consumes one.
  const e = assertEntryValid(input, await ruleKnowledge(ctx, input, departmentId));
  const entryId = await inTransaction(ctx, async (db) => {
    const { prefix, seq, code } = await allocateEntryCode(db, e.classCode);
    const now = ctx.clock.now();
    const id = await repo.insertEntry(db, {
      code,
      prefix,
      seq,
      class_code: e.classCode,
      provider_department_id: departmentId,
      current_version_id: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await insertVersionWithItems(db, e, {
      entry_id: id,
      version_no: 1,
      change_kind: 'create',
      status: 'draft',
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    return id;
  });
  return getEntry(ctx, actor, entryId);
}

type VersionMeta = Pick<
  NewRow<'catalog_entry_version'>,
  'entry_id' | 'version_no' | 'change_kind' | 'status' | 'created_by' | 'created_at' | 'updated_at'
> &
  Partial<NewRow<'catalog_entry_version'>>;

/** Inserts a version, its items and its search document. */
export async function insertVersionWithItems(
  db: AppContext['db'],
  e: NormalisedEntry,
  meta: VersionMeta,
): Promise<string> {
  const id = await insertVersion(db, { ...versionColumns(e), ...meta });
  await replaceItems(db, id, e.items);
  await writeSearchDoc(db, id, e);
  return id;
}

/**
 * One entry as the reader may see it: its published version for every internal user; the version
 * in progress only for the providing department and, once it reached platform review, the
 * platform administrator. Someone else's never-published draft is a 404.
 */
export async function getEntry(ctx: AppContext, actor: CatalogActor, id: string): Promise<EntryDetail> {
  const viewer = viewerOf(actor);
  const row = await repo.findEntry(ctx.db, id, viewer);
  if (!row) throw notFound('Catalog entry', '信息资源目录');
  const [currentRow, pendingRow, notice, subscribed] = await Promise.all([
    row.current_version_id ? findVersion(ctx.db, row.current_version_id) : undefined,
    openVersion(ctx.db, id, viewer),
    pendingNotice(ctx.db, id),
    isSubscribed(ctx.db, id, actor.userId),
  ]);
  const [current, pending] = await Promise.all([
    currentRow ? withItems(ctx.db, [currentRow]) : [],
    pendingRow ? withItems(ctx.db, [pendingRow]) : [],
  ]);
  const shown = current[0] ?? pending[0];
  return {
    id: row.id,
    code: row.code,
    classCode: row.class_code,
    className: row.class_name,
    providerDepartmentId: row.provider_department_id,
    providerDepartmentName: row.provider_department_name,
    providerCreditCode: row.provider_credit_code,
    providerRegionCode: row.provider_region_code,
    status: row.status,
    currentVersionId: row.current_version_id,
    portals: portalsOf(shown?.openType ?? 'none'),
    current: current[0] ?? null,
    pending: pending[0] ?? null,
    pendingNotice: notice ? toNotice(notice) : null,
    subscribed,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The version of an entry in force in the unified catalog, with its items, or null when the entry
 * is not (or no longer) published. For other modules (sharing, exchange) that act on an entry.
 */
export async function publishedVersionOf(ctx: AppContext, entryId: string): Promise<EntryVersion | null> {
  const row = await repo.findEntry(ctx.db, entryId);
  if (row?.status !== 'published' || !row.current_version_id) return null;
  const version = await findVersion(ctx.db, row.current_version_id);
  return version ? (await withItems(ctx.db, [version]))[0]! : null;
}

/** An entry's id from its 信息资源代码 (CLI and imports name entries by code). */
export const entryIdByCode = (ctx: AppContext, code: string) => repo.entryIdByCode(ctx.db, code);

/** 本部门目录: the actor's department's entries with their latest version; other roles have none. */
export async function listMine(
  ctx: AppContext,
  actor: CatalogActor,
  f: repo.MineFilter,
  limit: number,
  offset: number,
): Promise<{ items: VersionRow[]; total: number }> {
  if (!actor.departmentId) return { items: [], total: 0 };
  const { rows, total } = await repo.listDepartmentEntries(
    ctx.db,
    actor.departmentId,
    { ...f, q: f.q?.trim() || undefined },
    limit,
    offset,
  );
  return { items: rows.map(toVersionRow), total };
}

/**
 * the open module puts a version whose confidentiality reviews passed on the portal, or takes
 * the entry off it (null) — in the caller's transaction, so a withdrawal is on no public path the
 * moment it commits.
 */
export const setPortalVersion = (ctx: AppContext, entryId: string, versionId: string | null) =>
  repo.setPortalVersion(ctx.db, entryId, versionId);
