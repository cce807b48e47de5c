import type { Actor } from '../../platform/context';
import { scopeOf } from '../../platform/rbac/scope';
import type { OpenType } from '../../../shared/catalog/enums';
import type {
  ChangeNotice,
  DataItem,
  EntryVersion,
  Portal,
  Review,
  VersionRow as VersionRowOut,
} from './entries-schemas';
import type { NoticeRow } from './changes-repo';
import type { VersionListRow } from './entries-repo';
import { type ItemRow, type VersionRow, itemsOf, reviewsOf } from './versions-repo';
import type { Db } from '../../app-context';

/** Row → domain mapping shared by the catalog services. */

/** Who acts: the parts of a signed-in Actor the catalog needs (seeds and jobs can build one). */
export type CatalogActor = Pick<Actor, 'userId' | 'departmentId' | 'roles'>;

export const viewerOf = (actor: Pick<CatalogActor, 'departmentId' | 'roles'>) => scopeOf(actor, 'catalog.version.read');

/** R-06 (Art 8): not open → sharing portal only; open (with or without conditions) → both portals. */
export const portalsOf = (openType: OpenType): Portal[] => (openType === 'none' ? ['share'] : ['share', 'open']);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItem = (r: ItemRow): DataItem => ({
  id: r.id,
  position: r.position,
  name: r.name,
  fieldName: r.field_name,
  dataType: r.data_type,
  length: r.length,
  description: r.description,
  sensitivity: r.sensitivity,
  maskRule: r.mask_rule,
  shareType: r.share_type,
  openType: r.open_type,
});

export function toVersion(r: VersionRow, items: ItemRow[]): EntryVersion {
  return {
    id: r.id,
    entryId: r.entry_id,
    code: r.code,
    classCode: r.class_code,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: r.provider_department_name,
    versionNo: r.version_no,
    changeKind: r.change_kind,
    status: r.status,
    name: r.name,
    summary: r.summary,
    providerOffice: r.provider_office,
    formatKind: r.format_kind,
    formatType: r.format_type,
    shareType: r.share_type,
    shareCondition: r.share_condition,
    shareMethods: r.share_methods,
    openType: r.open_type,
    openCondition: r.open_condition,
    updateCycle: r.update_cycle,
    openDomains: r.open_domains,
    relatedCodes: r.related_codes,
    portals: portalsOf(r.open_type),
    rejectionReason: r.rejection_reason,
    changeNote: r.change_note,
    impact: r.impact ?? null,
    submittedAt: iso(r.submitted_at),
    approvedAt: iso(r.approved_at),
    publishedAt: iso(r.published_at),
    effectiveAt: iso(r.effective_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    items: items.filter((i) => i.version_id === r.id).map(toItem),
  };
}

/** Versions with their items, in two queries whatever their number. */
export async function withItems(db: Db, rows: VersionRow[]): Promise<EntryVersion[]> {
  const items = await itemsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toVersion(r, items));
}

export async function reviewsFor(db: Db, versionIds: string[]): Promise<Review[]> {
  return (await reviewsOf(db, versionIds)).map((r) => ({
    id: String(r.id),
    versionId: r.version_id,
    step: r.step,
    decision: r.decision,
    reason: r.reason,
    actorId: r.actor_id,
    actorName: r.actor_name,
    at: r.at.toISOString(),
  }));
}

export const toVersionRow = (r: VersionListRow): VersionRowOut => ({
  entryId: r.entry_id,
  versionId: r.version_id,
  code: r.code,
  classCode: r.class_code,
  name: r.name,
  versionNo: r.version_no,
  changeKind: r.change_kind,
  status: r.status,
  entryStatus: r.entry_status,
  currentVersionId: r.current_version_id,
  shareType: r.share_type,
  openType: r.open_type,
  portals: portalsOf(r.open_type),
  providerDepartmentId: r.provider_department_id,
  providerDepartmentName: r.provider_department_name,
  rejectionReason: r.rejection_reason,
  changeNote: r.change_note,
  impact: r.impact ?? null,
  submittedAt: iso(r.submitted_at),
  effectiveAt: iso(r.effective_at),
  publishedAt: iso(r.published_at),
  updatedAt: r.updated_at.toISOString(),
});

export const toNotice = (r: NoticeRow): ChangeNotice => ({
  id: r.id,
  entryId: r.entry_id,
  versionId: r.version_id,
  impact: r.impact,
  notifiedAt: r.notified_at.toISOString(),
  effectiveAt: r.effective_at.toISOString(),
  status: r.status,
  recipients: r.recipients,
});
