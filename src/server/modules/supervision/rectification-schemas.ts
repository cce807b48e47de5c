import { Type, type Static } from '@sinclair/typebox';
import { AttachmentIds, AttachmentOut } from '../../platform/attachments';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';

const Instant = Type.String({ format: 'date-time' });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, description });

export const NOTICE_STATUSES = ['issued', 'answered', 'rejected', 'closed', 'circulated'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export const NoticeStatus = enumOf(
  NOTICE_STATUSES,
  'issued 已下发 | answered 已反馈 | rejected 已退回 | closed 已销号 | circulated 逾期已通报',
);

export const MAX_RECTIFICATION_ATTACHMENTS = 10;
export const RECTIFICATION_UPLOAD_PATH = '/api/supervision/rectifications/attachments';

export const NoticeInput = Obj({
  departmentId: Uuid,
  violationIds: Type.Array(Uuid, {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description: "the department's open violations the notice is about",
  }),
  title: Text(200),
  requirement: Text(5000, '整改要求'),
  workingDays: Type.Integer({ minimum: 1, maximum: 60, description: 'deadline in working days after today 整改期限' }),
});
export type NoticeInput = Static<typeof NoticeInput>;

export const AnswerInput = Obj({
  measures: Text(10000, '整改措施及完成情况'),
  attachmentIds: Type.Optional(AttachmentIds(MAX_RECTIFICATION_ATTACHMENTS, RECTIFICATION_UPLOAD_PATH)),
});
export type AnswerInput = Static<typeof AnswerInput>;

export const VerifyInput = Obj({
  outcome: enumOf(['close', 'reject'] as const, 'close 验收通过并销号 | reject 退回重新整改'),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'required when rejecting: what is still missing' })),
});
export type VerifyInput = Static<typeof VerifyInput>;

export const NoticeViolation = Obj({
  id: Uuid,
  kind: Type.Integer(),
  periodKey: Type.String(),
  summary: Type.String(),
  status: Type.String(),
});

export const NoticeSummary = Obj({
  id: Uuid,
  no: Type.String(),
  departmentId: Uuid,
  departmentName: Type.String(),
  title: Type.String(),
  status: NoticeStatus,
  workingDays: Type.Integer(),
  issuedAt: Instant,
  dueAt: Instant,
  overdue: Type.Boolean({ description: 'past its deadline and not answered or closed' }),
  answeredAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  circulatedAt: Nullable(Instant),
  violationCount: Type.Integer(),
});
export type NoticeSummary = Static<typeof NoticeSummary>;

export const NoticeDetail = Type.Composite([
  NoticeSummary,
  Obj({
    requirement: Type.String(),
    issuedByName: Type.String(),
    measures: Nullable(Type.String()),
    answeredByName: Nullable(Type.String()),
    verifiedByName: Nullable(Type.String()),
    verifiedAt: Nullable(Instant),
    verifyNote: Nullable(Type.String()),
    violations: Type.Array(NoticeViolation),
    attachments: Type.Array(AttachmentOut),
    circularId: Nullable(Uuid),
    /** What the caller may do now (the page shows only those buttons). */
    canAnswer: Type.Boolean(),
    canVerify: Type.Boolean(),
  }),
]);
export type NoticeDetail = Static<typeof NoticeDetail>;

export const NoticeQuery = Obj({
  status: Type.Optional(NoticeStatus),
  departmentId: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  ...PageQuery,
});
export type NoticeQuery = Static<typeof NoticeQuery>;

export const NoticeList = Paged(NoticeSummary);

export const CircularSummary = Obj({
  id: Uuid,
  no: Type.String(),
  noticeId: Uuid,
  noticeNo: Type.String(),
  departmentId: Uuid,
  departmentName: Type.String(),
  title: Type.String(),
  publishedAt: Instant,
});
export const CircularDetail = Type.Composite([CircularSummary, Obj({ body: Type.String() })]);
export type CircularDetail = Static<typeof CircularDetail>;
export const CircularQuery = Obj({ q: Type.Optional(Type.String({ maxLength: 100 })), ...PageQuery });
export const CircularList = Paged(CircularSummary);

export const ReportQuery = Obj({
  period: Type.String({
    pattern: '^\\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$',
    description: "the period: '2026-11', '2026-Q4' or '2026'",
  }),
  format: enumOf(['xlsx', 'html'] as const, 'xlsx 表格 | html 可打印文档'),
});
export type ReportQuery = Static<typeof ReportQuery>;
