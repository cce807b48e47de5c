import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Uuid } from '../../platform/http/schemas';
import { SHARE_METHOD_CODES } from '../../../shared/catalog/enums';
import { MAX_CALLS_PER_MINUTE, MAX_DAILY_CALL_QUOTA, MAX_DAILY_ROW_CAP, MAX_IP_RANGES } from './grant-terms';
import { DECISIONS, GRANT_EVENT_KINDS, GRANT_STATUS_CODES, REQUEST_STATUS_CODES, STEP_KINDS } from './enums';

/** HTTP shapes of the sharing module (R-10 … ); the services return exactly these. */

const Instant = Type.String({ format: 'date-time' });
export const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD (Asia/Shanghai)' });
export const Method = enumOf(SHARE_METHOD_CODES, 'table 库表 | file 文件 | api 服务接口 | email 邮件 | media 介质');
export const RequestStatus = enumOf(
  REQUEST_STATUS_CODES,
  'prereview 待平台初审 | returned 退回补充 | provider_review 待提供方审核 | approved 已批准 | rejected 已驳回 | withdrawn 已撤回',
);
export const GrantStatus = enumOf(GRANT_STATUS_CODES, 'active 有效 | revoked 已撤销 | expired 已过期');
const Kind = enumOf(['unconditional', 'conditional'] as const, 'unconditional 无条件共享 | conditional 有条件共享');
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const IpRanges = Type.Array(Type.String({ maxLength: 64, description: 'an IP address or CIDR range' }), {
  maxItems: MAX_IP_RANGES,
});

const CallsPerMinute = Type.Integer({
  minimum: 1,
  maximum: MAX_CALLS_PER_MINUTE,
  description: '服务接口 grants: gateway calls per minute (null: the upstream default)',
});
const DailyCallQuota = Type.Integer({
  minimum: 1,
  maximum: MAX_DAILY_CALL_QUOTA,
  description: '服务接口 grants: gateway calls per day (null: the upstream default)',
});
const Operations = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  maxItems: 200,
  description: '服务接口 grants: the gateway operations it may call (null: all)',
});

/** R-16 terms every data path enforces (sharing/grant-terms.ts). */
export const GrantTerms = Obj({
  bulkExport: Type.Boolean({ description: '库表 grants: may also be exported whole (CSV/XLSX/JSON)' }),
  dailyRowCap: Nullable(
    Type.Integer({ minimum: 1, maximum: MAX_DAILY_ROW_CAP, description: '服务接口 grants: rows per day' }),
  ),
  ipRanges: IpRanges,
  callsPerMinute: Nullable(CallsPerMinute),
  dailyCallQuota: Nullable(DailyCallQuota),
  operations: Nullable(Operations),
});

export const Letter = Obj({
  id: Uuid,
  fileName: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: Instant,
});

export const Step = Obj({
  id: Uuid,
  kind: enumOf(
    Object.keys(STEP_KINDS) as Array<keyof typeof STEP_KINDS>,
    'admin_prereview 平台初审 | provider_decision 提供方审核',
  ),
  round: Type.Integer(),
  startedAt: Instant,
  dueAt: Instant,
  decidedAt: Nullable(Instant),
  decision: Nullable(enumOf(Object.keys(DECISIONS) as Array<keyof typeof DECISIONS>)),
  basis: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  deciderName: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'still waiting past dueAt, or decided after it' }),
  overdueAt: Nullable(Instant),
});
export type Step = Static<typeof Step>;

const GrantItem = Obj({ id: Uuid, name: Type.String(), fieldName: Type.String(), maskRule: Nullable(Type.String()) });

export const Grant = Obj({
  id: Uuid,
  no: Type.String({ description: '授权编号' }),
  requestId: Uuid,
  requestNo: Type.String(),
  status: GrantStatus,
  entryId: Uuid,
  entryCode: Type.String(),
  entryName: Type.String(),
  versionId: Uuid,
  versionNo: Type.Integer(),
  consumerDepartmentId: Uuid,
  consumerDepartmentName: Type.String(),
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  systemName: Type.String(),
  purpose: Type.String(),
  items: Type.Array(GrantItem),
  method: Method,
  validFrom: DateOnly,
  validTo: DateOnly,
  conditions: Nullable(Type.String()),
  terms: GrantTerms,
  createdAt: Instant,
  revokedAt: Nullable(Instant),
  revokeReason: Nullable(Type.String()),
  actions: Obj({ revoke: Type.Boolean(), renew: Type.Boolean() }),
});
export type Grant = Static<typeof Grant>;

export const GrantEvent = Obj({
  kind: enumOf(Object.keys(GRANT_EVENT_KINDS) as Array<keyof typeof GRANT_EVENT_KINDS>),
  at: Instant,
  actorName: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  detail: Type.Unknown(),
});
export const GrantDetail = Type.Composite([Grant, Obj({ events: Type.Array(GrantEvent) })], {
  additionalProperties: false,
});
export type GrantDetail = Static<typeof GrantDetail>;

const summaryFields = {
  id: Uuid,
  no: Type.String({ description: '申请编号' }),
  kind: Kind,
  status: RequestStatus,
  entryId: Uuid,
  entryCode: Type.String(),
  entryName: Type.String(),
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  consumerDepartmentId: Uuid,
  consumerDepartmentName: Type.String(),
  applicantName: Type.String(),
  systemName: Type.String(),
  submittedAt: Instant,
  updatedAt: Instant,
  currentStep: Nullable(Step),
  overdue: Type.Boolean({ description: 'the current step is past its deadline' }),
};
export const RequestSummary = Obj(summaryFields);
export type RequestSummary = Static<typeof RequestSummary>;

export const ShareRequest = Obj({
  ...summaryFields,
  versionId: Uuid,
  versionNo: Type.Integer(),
  purpose: Type.String(),
  itemIds: Type.Array(Uuid),
  items: Type.Array(Obj({ id: Uuid, name: Type.String(), fieldName: Nullable(Type.String()) })),
  method: Method,
  periodFrom: Nullable(DateOnly),
  periodTo: Nullable(DateOnly),
  letter: Nullable(Letter),
  termsVersion: Type.String(),
  termsAcceptedAt: Instant,
  steps: Type.Array(Step),
  grant: Nullable(Grant),
  actions: Obj({
    prereview: Type.Boolean(),
    decide: Type.Boolean(),
    resubmit: Type.Boolean(),
    withdraw: Type.Boolean(),
  }),
});
export type ShareRequest = Static<typeof ShareRequest>;

const requestFields = {
  purpose: Text(1000),
  systemName: Text(200),
  itemIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }),
  method: Method,
  periodFrom: Type.Optional(DateOnly),
  periodTo: Type.Optional(DateOnly),
  letterId: Type.Optional(Uuid),
};
export const RequestInput = Obj({
  entryId: Uuid,
  ...requestFields,
  acceptTerms: Type.Literal(true, { description: 'the R-19 use terms are accepted' }),
  termsVersion: Type.String(),
});
export type RequestInput = Static<typeof RequestInput>;
export const ResubmitInput = Obj(requestFields);
export type ResubmitInput = Static<typeof ResubmitInput>;

export const PrereviewInput = Obj({
  decision: enumOf(['forward', 'return', 'reject'] as const),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type PrereviewInput = Static<typeof PrereviewInput>;

export const DecisionInput = Obj({
  decision: enumOf(['approve', 'reject'] as const),
  basis: Type.Optional(Type.String({ maxLength: 2000, description: 'reject: the legal or policy basis (mandatory)' })),
  reason: Type.Optional(Type.String({ maxLength: 2000, description: 'reject: the reason (mandatory)' })),
  itemIds: Type.Optional(Type.Array(Uuid, { minItems: 1 })),
  method: Type.Optional(Method),
  periodFrom: Type.Optional(DateOnly),
  periodTo: Type.Optional(DateOnly),
  conditions: Type.Optional(Type.String({ maxLength: 2000 })),
  terms: Type.Optional(
    Obj({
      bulkExport: Type.Optional(Type.Boolean()),
      dailyRowCap: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_DAILY_ROW_CAP }))),
      ipRanges: Type.Optional(IpRanges),
      callsPerMinute: Type.Optional(Nullable(CallsPerMinute)),
      dailyCallQuota: Type.Optional(Nullable(DailyCallQuota)),
      operations: Type.Optional(Nullable(Operations)),
    }),
  ),
});
export type DecisionInput = Static<typeof DecisionInput>;

export const ApplyInfo = Obj({
  entryId: Uuid,
  code: Type.String(),
  name: Type.String(),
  versionId: Uuid,
  versionNo: Type.Integer(),
  providerDepartmentId: Uuid,
  providerDepartmentName: Type.String(),
  shareType: enumOf(['unconditional', 'conditional', 'none'] as const),
  shareCondition: Nullable(Type.String({ description: '共享条件, or for 不予共享 the basis' })),
  requestable: Type.Boolean(),
  notRequestableReason: Nullable(Obj({ code: Type.String(), message: Type.String(), messageZh: Type.String() })),
  methods: Type.Array(Method),
  updateCycle: Type.String(),
  items: Type.Array(
    Obj({
      id: Uuid,
      name: Type.String(),
      fieldName: Nullable(Type.String()),
      dataType: Type.String(),
      sensitivity: Type.String(),
      maskRule: Nullable(Type.String()),
      shareType: Type.String(),
      requestable: Type.Boolean(),
    }),
  ),
  specialists: Type.Array(
    Obj({
      name: Type.String(),
      title: Nullable(Type.String()),
      mobile: Nullable(Type.String()),
      phone: Nullable(Type.String()),
      email: Nullable(Type.String()),
    }),
  ),
  activeGrant: Nullable(Grant),
  openRequest: Nullable(RequestSummary),
  terms: Obj({ version: Type.String(), textZh: Type.String(), textEn: Type.String() }),
  letterRequired: Type.Boolean(),
  deadlines: Obj({ prereviewWorkingDays: Type.Integer(), providerWorkingDays: Type.Integer() }),
});
export type ApplyInfo = Static<typeof ApplyInfo>;
