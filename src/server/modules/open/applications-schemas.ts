import { Type, type Static } from '@sinclair/typebox';
import { APPLICATION_STATUS_CODES } from '../../../shared/open/applications';
import { enumOf, Nullable, Obj, PageQuery, Uuid } from '../../platform/http/schemas';
import { AttachmentOut } from './attachments-schemas';

const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time' });
const Status = enumOf(
  APPLICATION_STATUS_CODES,
  'submitted 待答复 | approved 已同意 | refused 不予开放 | withdrawn 已撤回',
);

/** what an applicant fills in (Art 22): purpose, scenario, items, period, signed commitment. */
export const ApplyInput = Obj({
  purpose: Type.String({ minLength: 1, maxLength: 2000, description: '数据用途' }),
  scenario: Type.String({ minLength: 1, maxLength: 2000, description: '应用场景' }),
  fields: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    minItems: 1,
    maxItems: 500,
    description: '所需数据项（字段名）',
  }),
  wantedUntil: DateOnly,
  /** The applicant's own name typed under the commitment: the online signature. */
  commitmentSignedName: Type.String({ minLength: 1, maxLength: 100, description: '承诺人签名（本人姓名）' }),
  /** Files uploaded first to POST /api/open/attachments (a project approval, a data security plan). */
  attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 10 })),
});
export type ApplyInput = Static<typeof ApplyInput>;

export const DecideInput = Obj({
  decision: enumOf(['approve', 'refuse'] as const, 'approve 同意 | refuse 不予开放'),
  fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500 })),
  accessUntil: Type.Optional(DateOnly),
  basis: Type.Optional(Type.String({ maxLength: 1000, description: '不予开放的法律法规或政策依据' })),
  reason: Type.Optional(Type.String({ maxLength: 2000, description: '不予开放的理由' })),
});
export type DecideInput = Static<typeof DecideInput>;

export const UseReportInput = Obj({ report: Type.String({ minLength: 1, maxLength: 4000, description: '成效反馈' }) });

export const ApplicationItem = Obj({ field: Type.String(), name: Type.String() });

export const Application = Obj({
  id: Uuid,
  no: Type.String(),
  datasetCode: Type.String(),
  datasetName: Type.String(),
  providerDepartmentId: Uuid,
  providerName: Type.String(),
  applicantName: Type.String(),
  purpose: Type.String(),
  scenario: Type.String(),
  fields: Type.Array(ApplicationItem),
  wantedUntil: DateOnly,
  commitmentVersion: Type.String(),
  commitmentSignedName: Type.String(),
  commitmentSignedAt: Instant,
  status: Status,
  receivedAt: Instant,
  dueAt: Instant,
  /** Unanswered past the deadline. */
  overdue: Type.Boolean(),
  decidedAt: Nullable(Instant),
  decidedByName: Nullable(Type.String()),
  approvedFields: Nullable(Type.Array(ApplicationItem)),
  accessUntil: Nullable(DateOnly),
  /** Approved and not yet expired: the data can be fetched now. */
  accessOpen: Type.Boolean(),
  refusalBasis: Nullable(Type.String()),
  refusalReason: Nullable(Type.String()),
  useReport: Nullable(Type.String()),
  useReportedAt: Nullable(Instant),
  attachments: Type.Array(AttachmentOut),
});
export type Application = Static<typeof Application>;

export const ApplicationQuery = Obj({
  status: Type.Optional(Status),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100, description: '申请编号、数据集名称或申请人' })),
  ...PageQuery,
});
export type ApplicationQuery = Static<typeof ApplicationQuery>;

/** The applicant's own list; `dataset` narrows it to one dataset's applications (the dataset page's panel). */
export const MyApplicationQuery = Obj({
  dataset: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{1,16}/[0-9]{6}$', description: '数据集代码' })),
  ...PageQuery,
});
