/** Shapes of the exchange API (src/server/modules/exchange/schemas.ts, pull-schemas.ts, records-routes.ts). */

export const SOURCE_KINDS = ['mysql', 'postgresql'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
/** The port a kind listens on when the form leaves it empty. */
export const DEFAULT_PORT: Record<SourceKind, number> = { mysql: 3306, postgresql: 5432 };

export interface Source {
  id: string;
  departmentId: string;
  departmentName: string;
  name: string;
  kind: SourceKind;
  host: string;
  port: number;
  database: string;
  username: string;
  options: { ssl?: boolean };
  createdAt: string;
  updatedAt: string;
  lastTest: { at: string; ok: boolean; message: string | null } | null;
}

export interface SourceInput {
  name: string;
  kind: SourceKind;
  host: string;
  port?: number;
  database: string;
  username: string;
  password: string;
  options?: { ssl?: boolean };
  departmentId?: string;
}
/** Omitting the password keeps the stored one. */
export type SourcePatch = Partial<Omit<SourceInput, 'departmentId'>>;

export interface TestResult {
  ok: boolean;
  serverVersion: string | null;
  message: string;
  messageZh: string;
  code: string | null;
}

export interface SourceTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  rowEstimate: number | null;
}

export interface SourceColumn {
  name: string;
  dataType: string;
  nullable: boolean;
  isKey: boolean;
  comment: string | null;
}

export interface ColumnMapping {
  /** The managed column (the data item's field). */
  column: string;
  sourceColumn: string;
}

export interface BindingInput {
  sourceId: string;
  table: string;
  keyColumns: string[];
  watermarkColumn?: string | null;
  columnMap?: ColumnMapping[];
  scheduled?: boolean;
}

export interface Binding {
  id: string;
  entryId: string;
  sourceId: string;
  table: string;
  keyColumns: string[];
  watermarkColumn: string | null;
  columnMap: ColumnMapping[];
  scheduled: boolean;
  updatedAt: string;
}

export type RunStatus = 'running' | 'done' | 'failed';
export interface Run {
  id: string;
  mode: 'full' | 'incremental';
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  sourceRows: number | null;
  rowsRead: number;
  rowsWritten: number;
  rowsDeleted: number;
  reconciliation: { sourceRows: number; centerRows: number; match: boolean } | null;
  error: string | null;
}

export interface RecordsPage {
  columns: Array<{ field: string; name: string; dataType: string; masked: boolean }>;
  items: Array<Record<string, unknown>>;
  nextCursor: string | null;
  grantNo: string | null;
}

/** one data item's share of a quality snapshot. */
export interface QualityColumn {
  column: string;
  name: string;
  /** Rows with a value. */
  filled: number;
  /** Sampled values checked against `rule`, and how many failed it. */
  checked: number;
  invalid: number;
  /** id_number | credit_code | mobile | email, or null when the item has no format rule. */
  rule: string | null;
}
/** Measured after each load; ratios are 0..1. */
export interface QualitySnapshot {
  at: string;
  rows: number;
  completeness: number;
  accuracy: number | null;
  availability: number;
  columns: QualityColumn[];
}
export interface Quality {
  latest: QualitySnapshot | null;
  /** Last load within 1.5 update cycles; null when the cycle is irregular or nothing was loaded. */
  timely: boolean | null;
  lastLoadAt: string | null;
  /** Newest first, up to 30. */
  history: QualitySnapshot[];
}
export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';

/** One version of an entry's resource file. */
export interface ResourceFile {
  id: string;
  entryId: string;
  versionNo: number;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  sm3: string;
  note: string | null;
  uploadedBy: string;
  uploadedAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawReason: string | null;
}

/** R-26 libraries: 基础库 (class 1) and 主题库 (class 2). */
export type LibraryKind = 'base' | 'theme';
export interface Library {
  code: string;
  name: string;
  entries: Array<{
    entryId: string;
    code: string;
    name: string;
    providerName: string;
    shareType: string;
    updateCycle: string;
    rows: number | null;
    lastLoadAt: string | null;
  }>;
}

/** R-43 masking per data item and channel (src/server/modules/exchange/masking-schemas.ts). '*' is every channel. */
export const MASKING_CHANNELS = ['*', 'table', 'file', 'api'] as const;
export type MaskingChannel = (typeof MASKING_CHANNELS)[number];
export type OverrideChannel = Exclude<MaskingChannel, '*'>;
export interface RuleView {
  /** Canonical spec: mobile, address:town, keep:3,4, regex:/…/…/ */
  rule: string;
  label: { zh: string; en: string };
}
export interface MaskingItem {
  field: string;
  name: string;
  dataType: string;
  sensitivity: 'none' | 'personal' | 'sensitive';
  catalogRule: string | null;
  suggested: RuleView;
  configured: Record<MaskingChannel, string | null>;
  effective: Record<OverrideChannel, RuleView>;
}
export interface RuleCodeInfo {
  code: string;
  nameZh: string;
  nameEn: string;
  keepsZh: string;
  keepsEn: string;
  example: { rule: string; value: string; masked: string };
}
export interface Masking {
  entryId: string;
  /** The channels the entry is shared through. */
  channels: OverrideChannel[];
  items: MaskingItem[];
  ruleCodes: RuleCodeInfo[];
  updatedAt: string | null;
}
export interface MaskingRuleInput {
  field: string;
  channel: MaskingChannel;
  rule: string;
}
export interface MaskingPreview extends RuleView {
  masked: string | null;
}
