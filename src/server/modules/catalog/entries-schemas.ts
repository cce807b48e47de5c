import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, Uuid } from '../../platform/http/schemas';
import { VERSION_STATUSES, type VersionStatus as VersionStatusName } from '../../../shared/catalog/enums';

/** Response shapes of the catalog core (entries, versions, items, reviews); inputs are in schemas.ts. */
const Tri = Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('none')]);
const Iso = Type.String({ format: 'date-time' });

/** every entry is in the sharing portal; open ones also in the open portal. */
export const Portals = Type.Array(Type.Union([Type.Literal('share'), Type.Literal('open')]));
export type Portal = 'share' | 'open';

export const DataItem = Obj({
  id: Uuid,
  position: Type.Integer(),
  name: Type.String(),
  fieldName: Nullable(Type.String()),
  dataType: Type.String(),
  length: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  sensitivity: Type.Union([Type.Literal('none'), Type.Literal('personal'), Type.Literal('sensitive')]),
  maskRule: Nullable(Type.String()),
  shareType: Tri,
  openType: Tri,
});
export type DataItem = Static<typeof DataItem>;

export type VersionStatusCode = VersionStatusName;
export const ChangeKind = Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]);
export const EntryStatus = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('deleted')]);
export const VersionStatus = Type.Union(
  (Object.keys(VERSION_STATUSES) as VersionStatusName[]).map((s) => Type.Literal(s)),
);

export const EntryVersion = Obj({
  id: Uuid,
  entryId: Uuid,
  /** The entry's 信息资源代码 and classification, repeated so a version stands on its own. */
  code: Type.String(),
  classCode: Type.String(),
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  versionNo: Type.Integer(),
  changeKind: ChangeKind,
  status: VersionStatus,
  name: Type.String(),
  summary: Type.String(),
  providerOffice: Nullable(Type.String()),
  formatKind: Type.String(),
  formatType: Nullable(Type.String()),
  shareType: Tri,
  shareCondition: Nullable(Type.String()),
  shareMethods: Type.Array(Type.String()),
  openType: Tri,
  openCondition: Nullable(Type.String()),
  updateCycle: Type.String(),
  openDomains: Type.Array(Type.String()),
  relatedCodes: Type.Array(Type.String()),
  portals: Portals,
  rejectionReason: Nullable(Type.String()),
  changeNote: Nullable(Type.String()),
  /** the impact decision recorded on platform approval of a change or deletion. */
  impact: Nullable(Type.Unknown()),
  submittedAt: Nullable(Iso),
  approvedAt: Nullable(Iso),
  publishedAt: Nullable(Iso),
  effectiveAt: Nullable(Iso),
  createdAt: Iso,
  updatedAt: Iso,
  items: Type.Array(DataItem),
});
export type EntryVersion = Static<typeof EntryVersion>;

export const Review = Obj({
  id: Type.String(),
  versionId: Uuid,
  step: Type.Union([Type.Literal('dept'), Type.Literal('platform')]),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Nullable(Type.String()),
  actorId: Uuid,
  actorName: Nullable(Type.String()),
  at: Iso,
});
export type Review = Static<typeof Review>;

export const ChangeNotice = Obj({
  id: Uuid,
  entryId: Uuid,
  versionId: Uuid,
  impact: Type.Unknown(),
  notifiedAt: Iso,
  effectiveAt: Iso,
  status: Type.Union([Type.Literal('pending'), Type.Literal('effective'), Type.Literal('cancelled')]),
  recipients: Type.Integer(),
});
export type ChangeNotice = Static<typeof ChangeNotice>;

export const EntryDetail = Obj({
  id: Uuid,
  code: Type.String(),
  classCode: Type.String(),
  className: Type.String(),
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  providerCreditCode: Type.String(),
  providerRegionCode: Type.String(),
  status: EntryStatus,
  currentVersionId: Nullable(Uuid),
  portals: Portals,
  /** The published version (after a deletion took effect: the deletion version). */
  current: Nullable(EntryVersion),
  /** The version being compiled, reviewed or waiting for its effective date: provider department and platform admins only. */
  pending: Nullable(EntryVersion),
  /** An announced change or deletion that has not taken effect yet, visible to every reader. */
  pendingNotice: Nullable(ChangeNotice),
  /** Whether the reader's department subscribes to changes of this entry. */
  subscribed: Type.Boolean(),
  createdAt: Iso,
  updatedAt: Iso,
});
export type EntryDetail = Static<typeof EntryDetail>;

/** One row of "my department's catalog" and of the review queues: an entry with one of its versions. */
export const VersionRow = Obj({
  entryId: Uuid,
  versionId: Uuid,
  code: Type.String(),
  classCode: Type.String(),
  name: Type.String(),
  versionNo: Type.Integer(),
  changeKind: ChangeKind,
  status: VersionStatus,
  entryStatus: EntryStatus,
  currentVersionId: Nullable(Uuid),
  shareType: Tri,
  openType: Tri,
  portals: Portals,
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  rejectionReason: Nullable(Type.String()),
  changeNote: Nullable(Type.String()),
  impact: Nullable(Type.Unknown()),
  submittedAt: Nullable(Iso),
  effectiveAt: Nullable(Iso),
  publishedAt: Nullable(Iso),
  updatedAt: Iso,
});
export type VersionRow = Static<typeof VersionRow>;

/** GET /entries/:id/versions: each version the reader may see, oldest first, with its review decisions. */
export const VersionWithReviews = Type.Composite([EntryVersion, Obj({ reviews: Type.Array(Review) })], {
  additionalProperties: false,
});
export type VersionWithReviews = Static<typeof VersionWithReviews>;

export const FieldChange = Obj({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() });
export type FieldChange = Static<typeof FieldChange>;
const ItemRef = Obj({ name: Type.String(), fieldName: Nullable(Type.String()) });
export const VersionDiff = Obj({
  from: Obj({ id: Uuid, versionNo: Type.Integer() }),
  to: Obj({ id: Uuid, versionNo: Type.Integer() }),
  fields: Type.Array(FieldChange),
  items: Obj({
    added: Type.Array(ItemRef),
    removed: Type.Array(ItemRef),
    changed: Type.Array(
      Obj({ name: Type.String(), previousName: Nullable(Type.String()), changes: Type.Array(FieldChange) }),
    ),
  }),
});
export type VersionDiff = Static<typeof VersionDiff>;
