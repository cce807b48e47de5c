import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { SecurityRecordKind } from '../../shared/security/register';

/** Kysely table types; one interface per table, named after it. Keep in step with migrations/. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<string, string, string>;

export interface RegionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'zone';
  parent_code: string | null;
  sort: Generated<number>;
}

export type DepartmentKind = 'government' | 'institution' | 'social_organisation' | 'public_enterprise';

export interface DepartmentTable {
  id: Generated<string>;
  credit_code: string;
  name: string;
  short_name: string | null;
  kind: DepartmentKind;
  region_code: string;
  parent_id: string | null;
  status: Generated<'active' | 'inactive'>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AppUserTable {
  id: Generated<string>;
  username: string;
  real_name: string;
  department_id: string | null;
  roles: string[];
  email: string | null;
  phone: string | null;
  password_hash: string;
  password_changed_at: Timestamp;
  status: Generated<'active' | 'disabled' | 'pending'>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  mfa_secret: string | null;
  mfa_enabled: Generated<boolean>;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface PublicAccountTable {
  user_id: string;
  kind: 'citizen' | 'legal_person';
  person_name: string;
  id_number_digest: string;
  id_number_sealed: string;
  id_number_masked: string;
  org_name: string | null;
  credit_code: string | null;
  contact_kind: 'email' | 'mobile';
  contact_verified_at: Date | null;
  real_name_status: Generated<'verified' | 'unverified' | 'failed'>;
  real_name_provider: string | null;
  real_name_checked_at: Date | null;
  real_name_message: string | null;
  created_at: Generated<Date>;
}

export interface OpenApplicationTable {
  id: Generated<string>;
  no: string;
  entry_id: string;
  provider_department_id: string;
  applicant_id: string;
  applicant_name: string;
  purpose: string;
  scenario: string;
  fields: string[];
  wanted_until: DateOnly;
  commitment_version: string;
  commitment_signed_name: string;
  commitment_signed_at: Date;
  status: Generated<'submitted' | 'approved' | 'refused' | 'withdrawn'>;
  received_at: Date;
  due_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_name: string | null;
  approved_fields: string[] | null;
  access_until: DateOnly | null;
  refusal_basis: string | null;
  refusal_reason: string | null;
  use_report: string | null;
  use_reported_at: Date | null;
}

export interface OpenAttachmentTable {
  id: Generated<string>;
  owner_type: 'review' | 'application' | null;
  owner_id: string | null;
  file_name: string;
  mime: string;
  /** bigint: pg returns it as a string. */
  size: ColumnType<string, number, number>;
  sha256: string;
  sm3: string;
  storage_key: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface OpenFavouriteTable {
  user_id: string;
  entry_id: string;
  created_at: Generated<Date>;
}

export interface AccountCodeTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'verify_contact' | 'reset_password';
  code_digest: string;
  attempts: Generated<number>;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  kind: 'cookie' | 'bearer';
  mfa_passed: boolean;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface SpecialistTable {
  id: Generated<string>;
  department_id: string;
  user_id: string | null;
  name: string;
  title: string | null;
  phone: string | null;
  mobile: string;
  email: string | null;
  active_from: DateOnly;
  active_to: DateOnly | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface SpecialistChangeTable {
  id: Generated<string>;
  specialist_id: string;
  changed_at: Generated<Date>;
  changed_by: string | null;
  action: 'create' | 'update' | 'retire';
  before: unknown;
  after: unknown;
}

export interface AuditEventTable {
  /** Insertion order; the sealer takes unsealed rows by it. */
  id: Generated<string>;
  /** Place in the chain: null until sealed (with prev_hash and hash). */
  seq: string | null;
  at: Timestamp;
  user_id: string | null;
  username: string | null;
  real_name: string | null;
  department_id: string | null;
  department_name: string | null;
  roles: string[];
  category: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** The target's human name when the event was written (resource name and code, request number…). */
  target_name: string | null;
  row_count: number | null;
  ip: string | null;
  user_agent: string | null;
  outcome: 'success' | 'denied' | 'failed';
  status_code: number | null;
  detail: unknown;
  prev_hash: string | null;
  hash: string | null;
  /** The department whose data the event is about (the target's provider), when it has one (migration 0034). */
  provider_department_id: string | null;
  /** The department that used that data (a grant's consumer), when it is not the actor's own. */
  consumer_department_id: string | null;
}

export interface AuditHeadTable {
  id: number;
  seq: string;
  hash: string;
}

export interface SettingTable {
  key: string;
  value: unknown;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface CalendarDayTable {
  day: DateOnly;
  is_off_day: boolean;
  name: string | null;
  source: 'import' | 'manual';
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface NotificationTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  payload: unknown;
  created_at: Generated<Date>;
  read_at: Date | null;
}

export interface CatalogClassTable {
  code: string;
  name: string;
  level: 'class' | 'item' | 'category' | 'subcategory';
  parent_code: string | null;
  department_id: string | null;
  sort: Generated<number>;
  status: Generated<'active' | 'inactive'>;
}

export interface CatalogCodeSeqTable {
  prefix: string;
  last_value: number;
}

export interface OpenDomainTable {
  code: string;
  name_zh: string;
  name_en: string;
  sort: Generated<number>;
}

type Tri = 'unconditional' | 'conditional' | 'none';

export interface CatalogEntryTable {
  id: Generated<string>;
  code: string;
  prefix: string;
  seq: number;
  class_code: string;
  provider_department_id: string;
  status: Generated<'draft' | 'published' | 'deleted'>;
  current_version_id: string | null;
  /** The version the open portal may show: set when its confidentiality reviews pass. */
  portal_version_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface CatalogEntryVersionTable {
  id: Generated<string>;
  entry_id: string;
  version_no: number;
  change_kind: 'create' | 'update' | 'delete';
  status:
    'draft' | 'dept_review' | 'platform_review' | 'rejected' | 'scheduled' | 'published' | 'superseded' | 'withdrawn';
  name: string;
  summary: string;
  provider_office: string | null;
  format_kind: string;
  format_type: string | null;
  share_type: Tri;
  share_condition: string | null;
  share_methods: string[];
  open_type: Tri;
  open_condition: string | null;
  update_cycle: string;
  open_domains: string[];
  related_codes: string[];
  rejection_reason: string | null;
  change_note: string | null;
  impact: unknown;
  submitted_at: Date | null;
  approved_at: Date | null;
  published_at: Date | null;
  effective_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  /** Written with sql (to_tsvector of jieba tokens); never read as a value. */
  search_doc: unknown;
  /** Full pinyin and initials of the name (catalog/pinyin.ts), written with search_doc. */
  name_pinyin: Generated<string>;
}

export interface CatalogDataItemTable {
  id: Generated<string>;
  version_id: string;
  position: number;
  name: string;
  field_name: string | null;
  data_type: string;
  length: number | null;
  description: string | null;
  sensitivity: Generated<'none' | 'personal' | 'sensitive'>;
  mask_rule: string | null;
  share_type: Generated<Tri>;
  open_type: Generated<Tri>;
}

export interface CatalogReviewTable {
  id: Generated<string>;
  version_id: string;
  step: 'dept' | 'platform';
  decision: 'approve' | 'reject';
  reason: string | null;
  actor_id: string;
  at: Timestamp;
}

export interface CatalogSubscriptionTable {
  entry_id: string;
  department_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface CatalogChangeNoticeTable {
  id: Generated<string>;
  entry_id: string;
  version_id: string;
  impact: unknown;
  notified_at: Timestamp;
  effective_at: Timestamp;
  status: Generated<'pending' | 'effective' | 'cancelled'>;
  recipients: Generated<number>;
}

export interface CatalogObjectionTable {
  id: Generated<string>;
  entry_id: string;
  version_id: string | null;
  kind: 'catalog' | 'data' | 'request' | 'service';
  content: string;
  raised_by: string;
  raised_by_department_id: string | null;
  raised_at: Timestamp;
  due_at: Timestamp;
  status: Generated<'open' | 'answered' | 'confirmed' | 'reopened'>;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  rating: number | null;
  closed_at: Date | null;
}

export interface CatalogDemandTable {
  id: Generated<string>;
  requester_department_id: string;
  requester_id: string;
  title: string;
  description: string;
  reason: string;
  wanted_provider_department_id: string | null;
  wanted_entry_id: string | null;
  status: Generated<'submitted' | 'assigned' | 'rejected' | 'fulfilled'>;
  admin_note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResponsibilityItemTable {
  id: Generated<string>;
  provider_department_id: string;
  kind: 'catalog' | 'share' | 'open';
  description: string;
  due_at: Timestamp;
  entry_id: string | null;
  status: Generated<'open' | 'fulfilled' | 'cancelled'>;
  created_by: string;
  created_at: Timestamp;
  fulfilled_at: Date | null;
}

export interface ResponsibilityItemDemandTable {
  item_id: string;
  demand_id: string;
}

export interface SharingNumberSeqTable {
  kind: string;
  year: number;
  last_value: number;
}

export interface SharingLetterTable {
  id: Generated<string>;
  department_id: string;
  uploaded_by: string;
  file_name: string;
  mime: 'application/pdf' | 'image/png' | 'image/jpeg';
  size: number;
  sha256: string;
  content: Buffer;
  uploaded_at: Timestamp;
}

export type ShareRequestKind = 'unconditional' | 'conditional';
export type ShareRequestStatus = 'prereview' | 'returned' | 'provider_review' | 'approved' | 'rejected' | 'withdrawn';

export interface ShareRequestTable {
  id: Generated<string>;
  no: string;
  kind: ShareRequestKind;
  status: ShareRequestStatus;
  entry_id: string;
  version_id: string;
  entry_code: string;
  entry_name: string;
  version_no: number;
  provider_department_id: string;
  consumer_department_id: string;
  applicant_id: string;
  purpose: string;
  system_name: string;
  item_ids: string[];
  method: string;
  period_from: DateOnly | null;
  period_to: DateOnly | null;
  letter_id: string | null;
  terms_version: string;
  terms_accepted_at: Timestamp;
  submitted_at: Timestamp;
  decided_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ReviewStepKind = 'admin_prereview' | 'provider_decision';
export type ReviewDecision = 'forward' | 'return' | 'reject' | 'approve' | 'withdrawn';

export interface ShareReviewStepTable {
  id: Generated<string>;
  request_id: string;
  kind: ReviewStepKind;
  round: number;
  started_at: Timestamp;
  due_at: Timestamp;
  decided_at: Date | null;
  decided_by: string | null;
  decision: ReviewDecision | null;
  basis: string | null;
  reason: string | null;
  overdue_at: Date | null;
  detail: unknown;
}

export type GrantStatus = 'active' | 'revoked' | 'expired';

export interface ShareGrantTable {
  id: Generated<string>;
  no: string;
  request_id: string;
  status: GrantStatus;
  entry_id: string;
  version_id: string;
  entry_code: string;
  entry_name: string;
  version_no: number;
  provider_department_id: string;
  consumer_department_id: string;
  system_name: string;
  purpose: string;
  item_ids: string[];
  masking: ColumnType<GrantMasking[], string, string>;
  method: string;
  valid_from: DateOnly;
  valid_to: DateOnly;
  conditions: string | null;
  /** Terms (migration 0016): a table grant may also be exported whole. */
  bulk_export: Generated<boolean>;
  /** Rows the query API may return per day under the grant; null: no cap. */
  daily_row_cap: number | null;
  /** CIDR ranges calls under the grant may come from; empty: anywhere. */
  ip_ranges: Generated<string[]>;
  /** 服务接口 terms (migration 0029): calls per minute and per day; null: the upstream's defaults. */
  calls_per_minute: number | null;
  daily_call_quota: number | null;
  /** Gateway operations the grant may call; null: every one offered. */
  operations: string[] | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ShareGrantUsageTable {
  grant_id: string;
  /** Beijing date. */
  day: DateOnly;
  rows: number;
}

/** One granted data item as it is delivered: its field and the masking rule applied to it. */
export interface GrantMasking {
  itemId: string;
  name: string;
  fieldName: string;
  maskRule: string | null;
}

export interface ShareGrantEventTable {
  id: Generated<string>;
  grant_id: string;
  kind: 'created' | 'renewed' | 'revoked' | 'expired';
  at: Timestamp;
  actor_id: string | null;
  reason: string | null;
  detail: ColumnType<unknown, string | null, string | null>;
}

export type ExchangeSourceKind = 'postgresql' | 'mysql';

/** Connection options besides the basics (ssl, …); never holds a secret. */
export interface ExchangeSourceOptions {
  ssl?: boolean;
}

export interface ExchangeSourceTable {
  id: Generated<string>;
  department_id: string;
  name: string;
  kind: ExchangeSourceKind;
  host: string;
  port: number;
  database: string;
  username: string;
  /** secret-box text (gs1:…), bound to the row's id; never sent to a client. */
  password_secret: string;
  options: ColumnType<ExchangeSourceOptions, string | undefined, string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_test_at: Date | null;
  last_test_ok: boolean | null;
  last_test_message: string | null;
}

export interface ManagedColumn {
  itemId: string;
  column: string;
  dataType: string;
  pgType: string;
}

export interface ExchangeManagedTableTable {
  entry_id: string;
  table_name: string;
  version_id: string;
  columns: ColumnType<ManagedColumn[], string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ColumnMapping {
  itemId: string;
  fieldName: string;
  sourceColumn: string;
}

export interface ExchangeBindingTable {
  id: Generated<string>;
  entry_id: string;
  source_id: string;
  source_schema: string;
  source_table: string;
  key_columns: string[];
  watermark_column: string | null;
  column_map: ColumnType<ColumnMapping[], string, string>;
  scheduled: Generated<boolean>;
  last_checkpoint: ColumnType<RunCheckpoint | null, string | null | undefined, string | null>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RunCheckpoint {
  key: unknown[];
  watermark?: unknown;
  /** Full pulls with a watermark column: the newest row when the run started, where the next incremental pull begins. */
  high?: { key: unknown[]; watermark: unknown } | null;
}

export interface ExchangeRunTable {
  id: Generated<string>;
  binding_id: string;
  entry_id: string;
  mode: 'full' | 'incremental';
  status: 'running' | 'done' | 'failed';
  started_at: Timestamp;
  heartbeat_at: Timestamp;
  finished_at: Date | null;
  source_rows: ColumnType<string | null, number | null | undefined, number | null>;
  rows_read: ColumnType<string, number | undefined, number>;
  rows_written: ColumnType<string, number | undefined, number>;
  rows_deleted: ColumnType<string, number | undefined, number>;
  checkpoint: ColumnType<RunCheckpoint | null, string | null | undefined, string | null>;
  reconciliation: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  started_by: string | null;
}

export interface ExchangePushTable {
  id: Generated<string>;
  grant_id: string;
  entry_id: string;
  department_id: string;
  target_id: string;
  target_table: string;
  scheduled: Generated<boolean>;
  pushed_center_run: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangePushRunTable {
  id: Generated<string>;
  push_id: string;
  mode: 'full' | 'incremental';
  status: 'running' | 'done' | 'failed';
  started_at: Timestamp;
  heartbeat_at: Timestamp;
  finished_at: Date | null;
  source_rows: ColumnType<string | null, number | null | undefined, number | null>;
  rows_written: ColumnType<string, number | undefined, number>;
  center_run: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  checkpoint: ColumnType<PushCheckpoint | null, string | null | undefined, string | null>;
  reconciliation: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  started_by: string | null;
}

export interface PushCheckpoint {
  /** The center row key of the last row sent. */
  key: string;
  /** The number of the last batch the target's stage committed (full pushes). */
  batch: number;
}

export interface ExchangeFileTable {
  id: Generated<string>;
  entry_id: string;
  department_id: string;
  version_no: number;
  file_name: string;
  mime: string;
  /** bigint: pg returns it as a string. */
  size: ColumnType<string, number, number>;
  sha256: string;
  sm3: string;
  storage_key: string;
  note: string | null;
  uploaded_by: string;
  uploaded_at: Timestamp;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
}

export interface QualityColumn {
  column: string;
  name: string;
  filled: number;
  checked: number;
  invalid: number;
  /** What accuracy was checked against: the data type, or a format with check digits. */
  rule: string | null;
}

export interface ExchangeQualityTable {
  id: Generated<string>;
  entry_id: string;
  run_id: string | null;
  at: Timestamp;
  row_count: ColumnType<string, number, number>;
  completeness: ColumnType<string, number, number>;
  accuracy: ColumnType<string | null, number | null, number | null>;
  availability: ColumnType<string, number, number>;
  columns: ColumnType<QualityColumn[], string, string>;
}

export interface ExchangeMaskingTable {
  entry_id: string;
  /** The managed column (the item's field name, or c_<position>). */
  field_name: string;
  /** '*' is every channel; the others override it. */
  channel: '*' | 'table' | 'file' | 'api' | 'open';
  /** Canonical spec from formatRuleSpec. */
  rule: string;
  updated_by: string;
  updated_at: Timestamp;
}

/** R-04 Excel import: progress and outcome, polled by the uploader (migration 0014). */
export interface CatalogImportTable {
  id: string;
  owner_id: string;
  /** The uploader as the import acts for them (no session token). */
  actor: ColumnType<unknown, string, string>;
  file_name: string;
  job_id: ColumnType<string, string | number, string | number>;
  status: Generated<'validating' | 'importing' | 'done' | 'failed'>;
  total: Generated<number>;
  processed: Generated<number>;
  errors: ColumnType<unknown, string | null | undefined, string | null>;
  error: ColumnType<unknown, string | null | undefined, string | null>;
  created: ColumnType<unknown, string | null | undefined, string | null>;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  heartbeat_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DB {
  region: RegionTable;
  department: DepartmentTable;
  app_user: AppUserTable;
  user_session: SessionTable;
  public_account: PublicAccountTable;
  account_code: AccountCodeTable;
  open_application: OpenApplicationTable;
  open_favourite: OpenFavouriteTable;
  open_attachment: OpenAttachmentTable;
  specialist: SpecialistTable;
  specialist_change: SpecialistChangeTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  setting: SettingTable;
  calendar_day: CalendarDayTable;
  notification: NotificationTable;
  catalog_class: CatalogClassTable;
  catalog_code_seq: CatalogCodeSeqTable;
  open_domain: OpenDomainTable;
  catalog_entry: CatalogEntryTable;
  catalog_entry_version: CatalogEntryVersionTable;
  catalog_data_item: CatalogDataItemTable;
  catalog_review: CatalogReviewTable;
  catalog_subscription: CatalogSubscriptionTable;
  catalog_change_notice: CatalogChangeNoticeTable;
  catalog_objection: CatalogObjectionTable;
  catalog_demand: CatalogDemandTable;
  catalog_import: CatalogImportTable;
  responsibility_item: ResponsibilityItemTable;
  responsibility_item_demand: ResponsibilityItemDemandTable;
  sharing_number_seq: SharingNumberSeqTable;
  sharing_letter: SharingLetterTable;
  share_request: ShareRequestTable;
  share_review_step: ShareReviewStepTable;
  share_grant: ShareGrantTable;
  share_grant_event: ShareGrantEventTable;
  share_grant_usage: ShareGrantUsageTable;
  exchange_source: ExchangeSourceTable;
  exchange_managed_table: ExchangeManagedTableTable;
  exchange_binding: ExchangeBindingTable;
  exchange_run: ExchangeRunTable;
  exchange_push: ExchangePushTable;
  exchange_push_run: ExchangePushRunTable;
  exchange_quality: ExchangeQualityTable;
  exchange_file: ExchangeFileTable;
  exchange_masking: ExchangeMaskingTable;
  open_dataset: OpenDatasetTable;
  open_review: OpenReviewTable;
  search_synonym: SearchSynonymTable;
  open_data_request: OpenDataRequestTable;
  open_data_request_vote: OpenDataRequestVoteTable;
  open_rating: OpenRatingTable;
  open_comment: OpenCommentTable;
  open_error_report: OpenErrorReportTable;
  open_api_key: OpenApiKeyTable;
  open_api_usage: OpenApiUsageTable;
  gw_upstream: GwUpstreamTable;
  gw_upstream_revision: GwUpstreamRevisionTable;
  gw_system: GwSystemTable;
  gw_token: GwTokenTable;
  gw_nonce: GwNonceTable;
  gw_usage: GwUsageTable;
  gw_call_stat: GwCallStatTable;
  gw_health_check: GwHealthCheckTable;
  security_record: SecurityRecordTable;
  security_action: SecurityActionTable;
  security_attachment: SecurityAttachmentTable;
  instance_key: InstanceKeyTable;
  download_mark: DownloadMarkTable;
  data_key: DataKeyTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_digest: AuditDigestTable;
  audit_digest_webhook: AuditDigestWebhookTable;
  supervision_snapshot: SupervisionSnapshotTable;
  supervision_value: SupervisionValueTable;
  supervision_evidence: SupervisionEvidenceTable;
  supervision_weight: SupervisionWeightTable;
  supervision_score: SupervisionScoreTable;
  supervision_violation: SupervisionViolationTable;
  rectification_notice: RectificationNoticeTable;
  attachment: AttachmentTable;
  circular: CircularTable;
  training_session: TrainingSessionTable;
  training_attendance: TrainingAttendanceTable;
}

export type OpenDatasetStatus = 'platform_review' | 'open' | 'refused' | 'withdrawn';

export interface OpenDatasetTable {
  entry_id: string;
  version_id: string;
  status: OpenDatasetStatus;
  opened_at: Date | null;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
  view_count: Generated<string>;
  download_count: Generated<string>;
  api_call_count: Generated<string>;
  updated_at: Timestamp;
  /** Its id in the CKAN API: a UUIDv7 given by a trigger when it first opens (migration 0028). */
  package_id: Generated<string | null>;
  first_opened_at: Generated<Date | null>;
  /** On the portal now: kept by triggers (migration 0028). */
  listed: Generated<boolean>;
}

export interface OpenReviewTable {
  id: Generated<string>;
  entry_id: string;
  version_id: string;
  stage: 'provider' | 'platform';
  reviewer_id: string;
  checklist: ColumnType<unknown, string, string>;
  conclusion: 'pass' | 'fail';
  opinion: string | null;
  created_at: Generated<Date>;
}

export interface SearchSynonymTable {
  id: Generated<string>;
  terms: string[];
  updated_by: string | null;
  updated_at: Generated<Date>;
}

/** the public's data requests, ratings, comments and 纠错 (migration 0022). */
export type OpenDataRequestStatus = 'submitted' | 'published' | 'rejected' | 'answered';

export interface OpenDataRequestTable {
  id: Generated<string>;
  title: string;
  description: string;
  purpose: string;
  wanted_department_id: string | null;
  department_id: string | null;
  requester_id: string;
  status: Generated<OpenDataRequestStatus>;
  reject_reason: string | null;
  moderated_by: string | null;
  moderated_at: Date | null;
  answer: string | null;
  answer_entry_id: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  vote_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OpenDataRequestVoteTable {
  request_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface OpenRatingTable {
  entry_id: string;
  user_id: string;
  stars: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type OpenCommentStatus = 'pending' | 'published' | 'hidden';

export interface OpenCommentTable {
  id: Generated<string>;
  entry_id: string;
  user_id: string;
  content: string;
  status: Generated<OpenCommentStatus>;
  hidden_reason: string | null;
  moderated_by: string | null;
  moderated_at: Date | null;
  created_at: Timestamp;
}

export type OpenErrorReportStatus = 'open' | 'answered';

export interface OpenErrorReportTable {
  id: Generated<string>;
  entry_id: string;
  user_id: string;
  item_name: string | null;
  content: string;
  status: Generated<OpenErrorReportStatus>;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  created_at: Timestamp;
}

/** a public user's open API key; only its hash is kept (migration 0021). */
export interface OpenApiKeyTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  status: Generated<'active' | 'revoked'>;
  rate_per_minute: number;
  daily_quota: number;
  created_at: Timestamp;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** Calls answered, rows returned and calls refused (429) per key and Beijing date. */
export interface OpenApiUsageTable {
  key_id: string;
  day: DateOnly;
  calls: Generated<number>;
  rows: Generated<string>;
  refused: Generated<number>;
}

export type Row<T extends keyof DB> = Selectable<DB[T]>;
export type NewRow<T extends keyof DB> = Insertable<DB[T]>;
export type RowUpdate<T extends keyof DB> = Updateable<DB[T]>;

/** One operation a registered upstream offers through the gateway (migration 0029). */
export interface GwOperation {
  /** Stable id: the OpenAPI operationId, the WSDL operation name, or METHOD path. */
  id: string;
  method: string;
  /** The upstream's path template, e.g. /persons/{id}; the gateway path is the same. */
  path: string;
  summary: string;
  /** SOAP only: the SOAPAction header the upstream expects. */
  soapAction?: string;
  /** XML only: the prefixes its XPaths use. */
  namespaces?: Record<string, string>;
  responseFormat: 'json' | 'xml';
  /** Response fields mapped to data items (JSONPath or XPath); none: the response carries no item and streams through. */
  fields: Array<{ path: string; field: string }>;
}

export type RetiringOperation = GwOperation & { retireAt: string };

export interface GwUpstreamTable {
  entry_id: string;
  base_url: string;
  spec_kind: 'openapi' | 'wsdl';
  spec: string | null;
  operations: ColumnType<GwOperation[], string, string>;
  auth_kind: 'none' | 'header' | 'token';
  /** header: { name }; token: { url, clientId, scope? } — never the secret. */
  auth_config: ColumnType<Record<string, string>, string, string>;
  /** SecretBox-sealed: the header value, or the token endpoint's client secret. */
  auth_secret: string | null;
  timeout_ms: number;
  max_request_bytes: number;
  max_response_bytes: number;
  calls_per_minute: number;
  daily_call_quota: number;
  /** Probed every minute (migration 0030); null: the base URL. */
  health_path: Generated<string | null>;
  /** Operations taken away while grants were held, answered until retireAt (R-07; migration 0030). */
  retiring: ColumnType<RetiringOperation[], string | undefined, string>;
  revision: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface GwUpstreamRevisionTable {
  entry_id: string;
  revision: number;
  base_url: string;
  operations: ColumnType<GwOperation[], string, string>;
  removed: string[];
  saved_at: Timestamp;
  saved_by: string | null;
  /** Migration 0031: pending until the platform reviews a change that takes operations from grant holders. */
  status: ColumnType<GwRevisionStatus, GwRevisionStatus | undefined, GwRevisionStatus>;
  /** A pending change's whole registration (gw_upstream's columns, secret sealed), applied on approval. */
  proposed: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  entry_version_no: number | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
}

export type GwRevisionStatus = 'applied' | 'pending' | 'rejected' | 'withdrawn';

export interface GwSystemTable {
  id: Generated<string>;
  department_id: string;
  name: string;
  description: string | null;
  app_key: string;
  /** SecretBox-sealed app secret. */
  secret: string;
  previous_secret: string | null;
  previous_until: Date | null;
  status: Generated<'active' | 'disabled'>;
  created_at: Timestamp;
  created_by: string | null;
  rotated_at: Date | null;
  disabled_at: Date | null;
  last_used_at: Date | null;
}

export interface GwTokenTable {
  token_hash: string;
  system_id: string;
  expires_at: Timestamp;
}

export interface GwNonceTable {
  app_key: string;
  nonce: string;
  at: Timestamp;
}

export interface GwUsageTable {
  grant_id: string;
  day: DateOnly;
  calls: Generated<number>;
  refused: Generated<number>;
}

export interface GwCallStatTable {
  entry_id: string;
  operation: string;
  hour: Timestamp;
  calls: number;
  failures: number;
  refusals: number;
  latency_ms_sum: ColumnType<string, number | string, number | string>;
  latency_buckets: number[];
}

export interface GwHealthCheckTable {
  entry_id: string;
  at: Timestamp;
  ok: boolean;
  status: number | null;
  latency_ms: number;
  error: string | null;
}

export interface SecurityRecordTable {
  id: Generated<string>;
  kind: SecurityRecordKind;
  held_on: DateOnly;
  title: string;
  scope: string;
  conducted_by: string;
  findings: string;
  conclusion: string | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface SecurityActionTable {
  id: Generated<string>;
  record_id: string;
  description: string;
  owner: string;
  due_on: DateOnly;
  done_at: Date | null;
  done_by: string | null;
  done_note: string | null;
  created_at: Generated<Date>;
}

export interface SecurityAttachmentTable {
  id: Generated<string>;
  record_id: string | null;
  file_name: string;
  mime: string;
  /** bigint: pg returns it as a string. */
  size: ColumnType<string, number, number>;
  sha256: string;
  sm3: string;
  storage_key: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface InstanceKeyTable {
  kid: string;
  algorithm: Generated<'SM2'>;
  public_key: string;
  private_key_sealed: string;
  created_at: Generated<Date>;
  retired_at: Date | null;
}

/** A dropped month of the audit log, signed (migration 0034): verification continues from its runs. */
export interface AuditCheckpointTable {
  id: Generated<string>;
  partition_name: string;
  from_at: Date;
  to_at: Date;
  event_count: string;
  first_seq: string | null;
  last_seq: string | null;
  runs: Array<{ first: string; last: string; hash: string }>;
  archive_file: string | null;
  archive_sm3: string | null;
  created_at: Date;
  kid: string;
  signature: string;
}

export interface AuditDigestTable {
  id: Generated<string>;
  department_id: string;
  period_from: DateOnly;
  period_to: DateOnly;
  body: unknown;
  kid: string;
  signature: string;
  created_at: Date;
  webhook_status: 'sent' | 'failed' | null;
  webhook_error: string | null;
}

export interface AuditDigestWebhookTable {
  department_id: string;
  url: string;
  updated_at: Date;
  updated_by: string | null;
}

/** An SM4 data key wrapped by the master key (migration 0036, platform/crypto/key-ring.ts). */
export interface DataKeyTable {
  kid: string;
  purpose: 'data' | 'lookup';
  /** The key, sealed with the key-encryption key derived from the master key. */
  wrapped: string;
  /** Which master key wrapped it (key-ring.ts masterKeyOf). */
  master_fingerprint: string;
  created_at: Generated<Date>;
  /** No longer seals new values; what it sealed is being re-encrypted. */
  superseded_at: Date | null;
  /** Nothing it sealed is left. */
  retired_at: Date | null;
}

export interface DownloadMarkTable {
  /** 64 random bits; bigint, so pg returns it as a string (signed). */
  mark: string;
  channel: 'grant' | 'open';
  format: string;
  resource_code: string;
  entry_id: string;
  grant_id: string | null;
  grant_no: string | null;
  department_id: string | null;
  department_name: string | null;
  user_id: string | null;
  username: string | null;
  real_name: string | null;
  ip: string | null;
  created_at: Generated<Date>;
  row_count: number | null;
  complete: boolean | null;
}

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface SupervisionSnapshotTable {
  id: Generated<string>;
  period_key: string;
  period_kind: PeriodKind;
  period_from: Timestamp;
  period_to: Timestamp;
  final: Generated<boolean>;
  computed_at: Generated<Date>;
  computed_by: string | null;
}

export interface SupervisionValueTable {
  snapshot_id: string;
  indicator: string;
  department_id: string;
  numerator: number;
  denominator: number;
  /** 0..100; null when there was nothing to measure. */
  score: number | null;
  /** The indicator's weight when the snapshot was computed. */
  weight: number;
}

export interface SupervisionEvidenceTable {
  /** bigserial: pg returns it as a string. */
  id: Generated<string>;
  snapshot_id: string;
  indicator: string;
  department_id: string;
  ref: string;
  label: string;
  at: Date | null;
  ok: boolean;
  note: string | null;
  link: string | null;
}

export interface SupervisionWeightTable {
  period_kind: PeriodKind;
  indicator: string;
  weight: number;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface SupervisionScoreTable {
  snapshot_id: string;
  department_id: string;
  score: number | null;
  card: 'red' | 'yellow' | 'green' | null;
  rank: number | null;
}

/** Art 30 (1)–(4), and 5: no active 数据专员 (Art 28). */
export type ViolationKindNo = 1 | 2 | 3 | 4 | 5;

export interface SupervisionViolationTable {
  id: Generated<string>;
  department_id: string;
  kind: ViolationKindNo;
  period_key: string;
  source: 'detected' | 'reported';
  summary: string;
  evidence: ColumnType<unknown, string | undefined, string>;
  status: Generated<'open' | 'noticed' | 'rectified' | 'dismissed'>;
  detected_at: Generated<Date>;
  updated_at: Timestamp;
  reported_by: string | null;
  reported_by_department_id: string | null;
  dismissed_by: string | null;
  dismiss_reason: string | null;
}

export interface RectificationNoticeTable {
  id: Generated<string>;
  no: string;
  department_id: string;
  violation_ids: string[];
  title: string;
  requirement: string;
  working_days: number;
  issued_by: string;
  issued_at: Timestamp;
  due_at: Timestamp;
  status: Generated<'issued' | 'answered' | 'rejected' | 'closed' | 'circulated'>;
  measures: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  verified_by: string | null;
  verified_at: Date | null;
  verify_note: string | null;
  closed_at: Date | null;
  circulated_at: Date | null;
  updated_at: Timestamp;
}

export interface AttachmentTable {
  id: Generated<string>;
  owner_type: string | null;
  owner_id: string | null;
  file_name: string;
  mime: string;
  size: ColumnType<string, number, number>;
  sha256: string;
  sm3: string;
  storage_key: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface CircularTable {
  id: Generated<string>;
  no: string;
  notice_id: string;
  department_id: string;
  title: string;
  body: string;
  published_at: Timestamp;
  published_by: string | null;
}

export interface TrainingSessionTable {
  id: Generated<string>;
  title: string;
  held_on: DateOnly;
  organizer: string;
  /** numeric: pg returns it as a string. */
  hours: ColumnType<string, number, number>;
  content: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface TrainingAttendanceTable {
  session_id: string;
  specialist_id: string;
  passed: boolean | null;
}
