/** Catalog (目录管理) wire shapes; they mirror the TypeBox schemas in src/server/modules/catalog/*. */
import type { Paged } from './client';

export type ShareType = 'unconditional' | 'conditional' | 'none';
export type OpenType = 'unconditional' | 'conditional' | 'none';
export type Sensitivity = 'none' | 'personal' | 'sensitive';
export type VersionStatus =
  'draft' | 'dept_review' | 'platform_review' | 'rejected' | 'scheduled' | 'published' | 'superseded' | 'withdrawn';
export type ChangeKind = 'create' | 'update' | 'delete';
export type ReviewStep = 'dept' | 'platform';

export interface EnumOption {
  code: string;
  zh: string;
  en: string;
}

/** GET /api/catalog/enums, normalised to lists (the server may send records keyed by code). */
export interface CatalogEnums {
  shareTypes: EnumOption[];
  openTypes: EnumOption[];
  shareMethods: EnumOption[];
  formatKinds: EnumOption[];
  updateCycles: EnumOption[];
  dataTypes: EnumOption[];
  sensitivities: EnumOption[];
  openDomains: EnumOption[];
  versionStatuses: EnumOption[];
  changeKinds: EnumOption[];
  entryStatuses: EnumOption[];
  objectionKinds: EnumOption[];
  classLevels: EnumOption[];
}
export type EnumKind = keyof CatalogEnums;

export interface CatalogClass {
  code: string;
  name: string;
  level: 'class' | 'item' | 'category' | 'subcategory';
  parentCode: string | null;
  departmentId: string | null;
  departmentName?: string | null;
  sort: number;
  status: 'active' | 'inactive';
}

export interface DataItem {
  id?: string;
  name: string;
  fieldName: string | null;
  dataType: string;
  length: number | null;
  description: string | null;
  sensitivity: Sensitivity;
  maskRule: string | null;
  shareType: ShareType;
  openType: OpenType;
}

/** The body of POST /entries and PATCH /versions/:id (EntryInput in catalog/schemas.ts). */
export interface EntryInput {
  classCode: string;
  name: string;
  summary: string;
  providerOffice: string | null;
  formatKind: string;
  formatType: string | null;
  shareType: ShareType;
  shareCondition: string | null;
  shareMethods: string[];
  openType: OpenType;
  openCondition: string | null;
  updateCycle: string;
  openDomains: string[];
  relatedCodes: string[];
  isSecret: boolean;
  items: DataItem[];
}

export type Portal = 'share' | 'open';

export interface CatalogVersion extends Omit<EntryInput, 'isSecret' | 'items'> {
  id: string;
  entryId: string;
  versionNo: number;
  changeKind: ChangeKind;
  status: VersionStatus;
  code: string;
  classCode: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  portals: Portal[];
  items: Array<DataItem & { id: string; position: number }>;
  rejectionReason: string | null;
  changeNote: string | null;
  impact: unknown;
  submittedAt: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
  effectiveAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Review {
  id: string;
  versionId: string;
  step: ReviewStep;
  decision: 'approve' | 'reject';
  reason: string | null;
  actorId: string;
  actorName: string | null;
  at: string;
}
export interface VersionWithReviews extends CatalogVersion {
  reviews: Review[];
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}
export interface ItemRef {
  name: string;
  fieldName: string | null;
}
export interface VersionDiff {
  from: { id: string; versionNo: number };
  to: { id: string; versionNo: number };
  fields: FieldChange[];
  items: {
    added: ItemRef[];
    removed: ItemRef[];
    changed: Array<{ name: string; previousName: string | null; changes: FieldChange[] }>;
  };
}

export interface ChangeNotice {
  id: string;
  entryId: string;
  versionId: string;
  impact: unknown;
  notifiedAt: string;
  effectiveAt: string;
  status: 'pending' | 'effective' | 'cancelled';
  recipients: number;
}

export interface CatalogEntry {
  id: string;
  code: string;
  classCode: string;
  className: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  providerCreditCode: string;
  providerRegionCode: string;
  status: 'draft' | 'published' | 'deleted';
  currentVersionId: string | null;
  portals: Portal[];
  /** The published version (null before the first publication). */
  current: CatalogVersion | null;
  /** A newer version being compiled, reviewed or waiting: provider department and platform admins only. */
  pending: CatalogVersion | null;
  /** An announced change or deletion not yet in effect (R-07). */
  pendingNotice: ChangeNotice | null;
  subscribed: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One row of 本部门目录 and of the review queues: an entry with its latest version. */
export interface VersionRow {
  entryId: string;
  versionId: string;
  code: string;
  classCode: string;
  name: string;
  versionNo: number;
  changeKind: ChangeKind;
  status: VersionStatus;
  entryStatus: 'draft' | 'published' | 'deleted';
  currentVersionId: string | null;
  shareType: ShareType;
  openType: OpenType;
  portals: Portal[];
  providerDepartmentId: string;
  providerDepartmentName: string;
  rejectionReason: string | null;
  changeNote: string | null;
  /** R-07 impact analysis of a change or deletion, when the server computed one. */
  impact: unknown;
  submittedAt: string | null;
  effectiveAt: string | null;
  publishedAt: string | null;
  updatedAt: string;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface SearchHit {
  entryId: string;
  code: string;
  name: string;
  summary: string;
  providerDepartmentId: string;
  providerName: string;
  regionCode: string;
  regionName: string;
  classCode: string;
  className: string;
  shareType: ShareType;
  openType: OpenType;
  formatKind: string;
  shareMethods: string[];
  updateCycle: string;
  openDomains: string[];
  publishedAt: string | null;
  /** HTML-escaped text with matched words in <mark></mark> (read by utils/marks.ts, never v-html). */
  highlights?: { name?: string; items?: string[] };
}

export const FACET_NAMES = [
  'department',
  'region',
  'class',
  'shareType',
  'openType',
  'formatKind',
  'shareMethod',
  'openDomain',
  'updateCycle',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export interface SearchResult extends Paged<SearchHit> {
  facets: Record<FacetName, FacetValue[]>;
  /** A broad search: total and facet counts are estimates from a sample. */
  approximate: boolean;
}

/** One wrong cell of an import: the sheet and row as Excel shows them, the Chinese column header. */
export interface ImportProblem {
  sheet: string;
  row: number;
  column: string | null;
  message: string;
  messageZh: string;
}
/** GET /excel/imports/:id: progress is processed / total within the current status (check, then create). */
export interface ImportStatus {
  importId: string;
  fileName: string;
  status: 'validating' | 'importing' | 'done' | 'failed';
  total: number;
  processed: number;
  errors?: ImportProblem[];
  /** A failure that is not about a cell (unreadable file, database error). */
  error?: { code: string; message: string; messageZh: string };
  created?: Array<{ entryId: string; code: string; name: string }>;
  startedAt: string;
  finishedAt?: string;
}
