import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { diffVersions } from './diff';
import type { EntryVersion, VersionDiff, VersionWithReviews } from './entries-schemas';
import { requireOwnDepartment } from './entries-access';
import { findEntry } from './entries-repo';
import { ruleKnowledge, versionAsInput, versionColumns } from './entries-service';
import { assertEntryValid } from './assert-entry';
import type { EntryInput } from '../../../shared/catalog/schemas';
import * as repo from './versions-repo';
import { reviewsFor, viewerOf, withItems, type CatalogActor } from './versions-model';
import { consoleLink } from '../../../shared/console';

/** Versions: read, edit while draft or returned, submit for department review. */

export async function loadVersion(
  ctx: AppContext,
  actor: Pick<CatalogActor, 'departmentId' | 'roles'> | null,
  id: string,
): Promise<EntryVersion> {
  const row = await repo.findVersion(ctx.db, id, actor ? viewerOf(actor) : undefined);
  if (!row) throw notFound('Catalog version', '信息资源目录版本');
  return (await withItems(ctx.db, [row]))[0]!;
}

export const getVersion = (ctx: AppContext, actor: CatalogActor, id: string) => loadVersion(ctx, actor, id);

/** The history of an entry: every version the reader may see, oldest first, with its review decisions. */
export async function listVersions(
  ctx: AppContext,
  actor: CatalogActor,
  entryId: string,
): Promise<VersionWithReviews[]> {
  const viewer = viewerOf(actor);
  if (!(await findEntry(ctx.db, entryId, viewer))) throw notFound('Catalog entry', '信息资源目录');
  const versions = await withItems(ctx.db, await repo.listEntryVersions(ctx.db, entryId, viewer));
  const reviews = await reviewsFor(
    ctx.db,
    versions.map((v) => v.id),
  );
  return versions.map((v) => ({ ...v, reviews: reviews.filter((r) => r.versionId === v.id) }));
}

/** Compares a version with another of the same entry, by default with the published version before it. */
export async function diff(ctx: AppContext, actor: CatalogActor, id: string, againstId?: string): Promise<VersionDiff> {
  const to = await loadVersion(ctx, actor, id);
  const baseId = againstId ?? (await repo.previousPublished(ctx.db, to.entryId, to.versionNo))?.id;
  if (!baseId)
    throw badRequest(
      'CATALOG_DIFF_NO_BASE',
      'There is no earlier published version to compare with',
      '没有可供比较的已发布版本',
      { field: 'against' },
    );
  const from = await loadVersion(ctx, actor, baseId);
  if (from.entryId !== to.entryId) {
    throw badRequest(
      'CATALOG_DIFF_OTHER_ENTRY',
      'Both versions must belong to the same entry',
      '只能比较同一信息资源的不同版本',
      { field: 'against' },
    );
  }
  return diffVersions(from, to);
}

const EDITABLE = ['draft', 'rejected'];

export type VersionPatch = Partial<EntryInput> & { changeNote?: string | null };

/** Changes a draft or returned version of the actor's own department; fields left out keep their value. */
export async function updateVersion(
  ctx: AppContext,
  actor: CatalogActor,
  id: string,
  patch: VersionPatch,
): Promise<EntryVersion> {
  const current = await loadVersion(ctx, actor, id);
  requireOwnDepartment(actor, current.providerDepartmentId);
  if (!EDITABLE.includes(current.status)) {
    throw conflict(
      'CATALOG_VERSION_NOT_EDITABLE',
      'Only a draft or a returned version can be changed',
      '只有草稿或已退回的版本可以修改',
    );
  }
  const { changeNote, ...fields } = patch;
  if (current.changeKind === 'delete' && Object.keys(fields).length) {
    throw conflict(
      'CATALOG_DELETION_NOT_EDITABLE',
      'A deletion request carries only its reason',
      '删除申请只能修改删除理由',
    );
  }
  // The class made the entry's code; a different class would need a different code.
  if (fields.classCode !== undefined && fields.classCode.trim() !== current.classCode) {
    throw badRequest(
      'CATALOG_CLASS_FIXED',
      'The classification cannot change once the entry has its code',
      '信息资源代码已按分类生成，分类不能修改',
      { field: 'classCode' },
    );
  }
  const stored = versionAsInput(current);
  // Items whose types equal the entry's were following it; they keep following when the entry's types change.
  const items =
    fields.items ??
    stored.items.map((i) => ({
      ...i,
      shareType: i.shareType === current.shareType ? undefined : i.shareType,
      openType: i.openType === current.openType ? undefined : i.openType,
    }));
  const input: EntryInput = { ...stored, ...fields, items, classCode: current.classCode };
  const e = assertEntryValid(input, await ruleKnowledge(ctx, input, current.providerDepartmentId));
  await inTransaction(ctx, async (db) => {
    const locked = await repo.lockVersion(db, id);
    if (!locked || !EDITABLE.includes(locked.status))
      throw conflict(
        'CATALOG_VERSION_NOT_EDITABLE',
        'Only a draft or a returned version can be changed',
        '只有草稿或已退回的版本可以修改',
      );
    await repo.updateVersion(db, id, {
      ...versionColumns(e),
      ...(changeNote !== undefined ? { change_note: changeNote?.trim() || null } : {}),
      updated_at: ctx.clock.now(),
    });
    await repo.replaceItems(db, id, e.items);
    await repo.writeSearchDoc(db, id, e);
  });
  return loadVersion(ctx, actor, id);
}

/** Sends a draft or returned version to the department's reviewers, checking the rules once more. */
export async function submitVersion(ctx: AppContext, actor: CatalogActor, id: string): Promise<EntryVersion> {
  const v = await loadVersion(ctx, actor, id);
  requireOwnDepartment(actor, v.providerDepartmentId);
  if (!EDITABLE.includes(v.status))
    throw conflict(
      'CATALOG_VERSION_NOT_SUBMITTABLE',
      'Only a draft or a returned version can be submitted',
      '只有草稿或已退回的版本可以提交审核',
    );
  // The world may have moved since the last save (a class deactivated, a related entry gone).
  if (v.changeKind !== 'delete') {
    const input = versionAsInput(v);
    assertEntryValid(input, await ruleKnowledge(ctx, input, v.providerDepartmentId));
  }
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const locked = await repo.lockVersion(db, id);
    if (!locked || !EDITABLE.includes(locked.status))
      throw conflict(
        'CATALOG_VERSION_NOT_SUBMITTABLE',
        'Only a draft or a returned version can be submitted',
        '只有草稿或已退回的版本可以提交审核',
      );
    await moveToDeptReview(t, v);
  });
  return loadVersion(ctx, actor, id);
}

/** draft/rejected → dept_review, and the department's reviewers hear of it. Runs inside the caller's transaction. */
export async function moveToDeptReview(
  ctx: AppContext,
  v: Pick<EntryVersion, 'id' | 'entryId' | 'name' | 'changeKind' | 'providerDepartmentId'>,
): Promise<void> {
  const now = ctx.clock.now();
  await repo.updateVersion(ctx.db, v.id, {
    status: 'dept_review',
    submitted_at: now,
    rejection_reason: null,
    updated_at: now,
  });
  const what = v.changeKind === 'delete' ? '删除申请' : v.changeKind === 'update' ? '变更' : '目录';
  await notify(
    ctx,
    { role: 'dept_leader', departmentId: v.providerDepartmentId },
    {
      kind: 'catalog.review.requested',
      title: `待部门审核：${v.name}（${what}）`,
      link: consoleLink(`/catalog/entries/${v.entryId}`),
      payload: { versionId: v.id, step: 'dept' },
    },
  );
}

/** Guards a state change on a locked row: the version must (still) be in the expected status. */
export function expectStatus(status: string | undefined, expected: string, zh: string): void {
  if (status !== expected)
    throw new AppError(
      409,
      'CATALOG_VERSION_WRONG_STATUS',
      `The version is not in ${expected}`,
      `该版本当前不在${zh}环节`,
    );
}
