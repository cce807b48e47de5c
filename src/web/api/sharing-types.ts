/** Shapes of the sharing API (/api/sharing, issue 4): the contract in docs, mirrored for the browser. */

export type RequestKind = 'unconditional' | 'conditional';
export type RequestStatus = 'prereview' | 'returned' | 'provider_review' | 'approved' | 'rejected' | 'withdrawn';
export type StepKind = 'admin_prereview' | 'provider_decision';
/** `withdrawn` closes the open step when the applicant withdraws; the contract's list has the other four. */
export type StepDecision = 'forward' | 'return' | 'reject' | 'approve' | 'withdrawn';
export type GrantStatus = 'active' | 'revoked' | 'expired';
export type GrantEventKind = 'created' | 'renewed' | 'revoked' | 'expired';
/** Share method = delivery channel: 库表 / 文件 / 服务接口 / 邮件 / 介质. */
export type Method = 'table' | 'file' | 'api' | 'email' | 'media';
export type RequestBox = 'mine' | 'prereview' | 'incoming';
export type GrantSide = 'consumer' | 'provider';

export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'prereview',
  'returned',
  'provider_review',
  'approved',
  'rejected',
  'withdrawn',
];
export const GRANT_STATUSES: readonly GrantStatus[] = ['active', 'revoked', 'expired'];
export const METHODS: readonly Method[] = ['table', 'file', 'api', 'email', 'media'];

export interface Step {
  id: string;
  kind: StepKind;
  round: number;
  startedAt: string;
  dueAt: string;
  decidedAt: string | null;
  decision: StepDecision | null;
  basis: string | null;
  reason: string | null;
  deciderName: string | null;
  overdue: boolean;
  overdueAt: string | null;
}

export interface GrantItem {
  id: string;
  name: string;
  fieldName: string | null;
  maskRule: string | null;
}

export interface Grant {
  id: string;
  no: string;
  requestId: string;
  requestNo: string;
  status: GrantStatus;
  entryId: string;
  entryCode: string;
  entryName: string;
  versionId: string;
  versionNo: number;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  systemName: string;
  purpose: string;
  items: GrantItem[];
  method: Method;
  validFrom: string;
  validTo: string;
  conditions: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
  actions: { revoke: boolean; renew: boolean };
}

export interface GrantEvent {
  kind: GrantEventKind;
  at: string;
  actorName: string | null;
  reason: string | null;
  detail: unknown;
}

export interface GrantDetail extends Grant {
  events: GrantEvent[];
}

export interface RequestSummary {
  id: string;
  no: string;
  kind: RequestKind;
  status: RequestStatus;
  entryId: string;
  entryCode: string;
  entryName: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  applicantName: string;
  systemName: string;
  submittedAt: string;
  updatedAt: string;
  currentStep: Step | null;
  overdue: boolean;
}

export interface Letter {
  id: string;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

export interface RequestActions {
  prereview: boolean;
  decide: boolean;
  resubmit: boolean;
  withdraw: boolean;
}

export interface ShareRequest extends RequestSummary {
  versionId: string;
  versionNo: number;
  purpose: string;
  itemIds: string[];
  items: Array<{ id: string; name: string; fieldName: string | null }>;
  method: Method;
  periodFrom: string | null;
  periodTo: string | null;
  letter: Letter | null;
  termsVersion: string;
  termsAcceptedAt: string;
  steps: Step[];
  grant: Grant | null;
  actions: RequestActions;
}

export interface ApplyItem {
  id: string;
  name: string;
  fieldName: string | null;
  dataType: string;
  sensitivity: string;
  maskRule: string | null;
  shareType: string;
  requestable: boolean;
}

export interface SpecialistContact {
  name: string;
  title: string | null;
  mobile: string | null;
  phone: string | null;
  email: string | null;
}

export interface ApplyInfo {
  entryId: string;
  code: string;
  name: string;
  versionId: string;
  versionNo: number;
  providerDepartmentId: string;
  providerDepartmentName: string;
  shareType: 'unconditional' | 'conditional' | 'none';
  /** 共享条件, or for 不予共享 the basis. */
  shareCondition: string | null;
  requestable: boolean;
  notRequestableReason: { code: string; message: string; messageZh: string } | null;
  methods: Method[];
  updateCycle: string;
  items: ApplyItem[];
  specialists: SpecialistContact[];
  activeGrant: Grant | null;
  openRequest: RequestSummary | null;
  terms: { version: string; textZh: string; textEn: string };
  letterRequired: boolean;
  deadlines: { prereviewWorkingDays: number; providerWorkingDays: number };
}

/** The fields an applicant fills, on first submission and on resubmission alike. */
export interface RequestFieldsInput {
  purpose: string;
  systemName: string;
  itemIds: string[];
  method: Method;
  periodFrom?: string;
  periodTo?: string;
  letterId?: string;
}

export interface RequestInput extends RequestFieldsInput {
  entryId: string;
  acceptTerms: true;
  termsVersion: string;
}

export interface PrereviewInput {
  decision: 'forward' | 'return' | 'reject';
  reason?: string;
}

export interface DecisionInput {
  decision: 'approve' | 'reject';
  basis?: string;
  reason?: string;
  itemIds?: string[];
  method?: Method;
  periodFrom?: string;
  periodTo?: string;
  conditions?: string;
}
