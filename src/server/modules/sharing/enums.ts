/**
 * Sharing enumerations (R-10 … R-16) with their Chinese and English names; docs/glossary.md lists
 * the same identifiers.
 */
type Named<K extends string> = Record<K, { zh: string; en: string }>;
const keys = <K extends string>(o: Named<K>) => Object.keys(o) as K[];

export const REQUEST_STATUSES = {
  prereview: { zh: '待平台初审', en: 'Awaiting platform pre-review' },
  returned: { zh: '退回补充', en: 'Returned for supplement' },
  provider_review: { zh: '待提供方审核', en: 'Awaiting the provider' },
  approved: { zh: '已批准', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
} as const satisfies Named<string>;
export type RequestStatus = keyof typeof REQUEST_STATUSES;
export const REQUEST_STATUS_CODES = keys(REQUEST_STATUSES);
/** A request in one of these is still being handled: one at a time per department and entry. */
export const OPEN_REQUEST_STATUSES = [
  'prereview',
  'returned',
  'provider_review',
] as const satisfies readonly RequestStatus[];

export const REQUEST_KINDS = {
  unconditional: { zh: '无条件共享', en: 'Unconditional' },
  conditional: { zh: '有条件共享', en: 'Conditional' },
} as const satisfies Named<string>;
export type RequestKind = keyof typeof REQUEST_KINDS;

export const STEP_KINDS = {
  admin_prereview: { zh: '平台初审', en: 'Platform pre-review' },
  provider_decision: { zh: '提供方审核', en: 'Provider decision' },
} as const satisfies Named<string>;
export type StepKind = keyof typeof STEP_KINDS;

export const DECISIONS = {
  forward: { zh: '转提供方', en: 'Forwarded to the provider' },
  return: { zh: '退回补充', en: 'Returned for supplement' },
  reject: { zh: '不予同意', en: 'Rejected' },
  approve: { zh: '同意', en: 'Approved' },
  withdrawn: { zh: '申请方撤回', en: 'Withdrawn by the applicant' },
} as const satisfies Named<string>;
export type Decision = keyof typeof DECISIONS;

export const GRANT_STATUSES = {
  active: { zh: '有效', en: 'Active' },
  revoked: { zh: '已撤销', en: 'Revoked' },
  expired: { zh: '已过期', en: 'Expired' },
} as const satisfies Named<string>;
export type GrantStatus = keyof typeof GRANT_STATUSES;
export const GRANT_STATUS_CODES = keys(GRANT_STATUSES);

export const GRANT_EVENT_KINDS = {
  created: { zh: '授权', en: 'Granted' },
  renewed: { zh: '续期', en: 'Renewed' },
  revoked: { zh: '撤销', en: 'Revoked' },
  expired: { zh: '到期', en: 'Expired' },
} as const satisfies Named<string>;
export type GrantEventKind = keyof typeof GRANT_EVENT_KINDS;

/** Working days per review step (Art 14); settings override them, as other cities' rules differ. */
export const DEADLINE_SETTINGS = {
  admin_prereview: { key: 'sharing.prereview_working_days', default: 3 },
  provider_decision: { key: 'sharing.provider_working_days', default: 10 },
} as const satisfies Record<StepKind, { key: string; default: number }>;

/** How long a grant lasts when the request names no period (unconditional requests may omit it). */
export const DEFAULT_GRANT_MONTHS = 12;
