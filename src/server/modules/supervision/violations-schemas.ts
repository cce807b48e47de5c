import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';
import { VIOLATION_KINDS } from '../../../shared/supervision/periods';
import { PeriodKey } from './assessment-schemas';

const Instant = Type.String({ format: 'date-time' });
export const ViolationStatusSchema = enumOf(
  ['open', 'noticed', 'rectified', 'dismissed'] as const,
  'open 待处理 | noticed 已下发整改通知 | rectified 已整改 | dismissed 已排除',
);
export const ViolationKindSchema = Type.Integer({
  minimum: 1,
  maximum: 5,
  description: Object.entries(VIOLATION_KINDS)
    .map(([k, v]) => `${k} ${v.zh}`)
    .join(' | '),
});

export const EvidenceOut = Obj({
  ref: Type.String(),
  label: Type.String(),
  at: Nullable(Instant),
  ok: Type.Boolean(),
  note: Nullable(Type.String()),
  link: Nullable(Type.String()),
});

export const Violation = Obj({
  id: Uuid,
  departmentId: Uuid,
  departmentName: Type.String(),
  kind: ViolationKindSchema,
  kindName: Type.String(),
  periodKey: Type.String(),
  source: enumOf(['detected', 'reported'] as const, 'detected 系统检测 | reported 提供部门报告'),
  summary: Type.String(),
  status: ViolationStatusSchema,
  detectedAt: Instant,
  updatedAt: Instant,
  reportedByName: Nullable(Type.String()),
  reportedByDepartmentName: Nullable(Type.String()),
  dismissedByName: Nullable(Type.String()),
  dismissReason: Nullable(Type.String()),
  evidenceCount: Type.Integer(),
});
export type Violation = Static<typeof Violation>;
export const ViolationDetail = Type.Composite([Violation, Obj({ evidence: Type.Array(EvidenceOut) })]);
export type ViolationDetail = Static<typeof ViolationDetail>;

export const ViolationQuery = Obj({
  status: Type.Optional(ViolationStatusSchema),
  kind: Type.Optional(ViolationKindSchema),
  departmentId: Type.Optional(Uuid),
  period: Type.Optional(PeriodKey),
  ...PageQuery,
});
export const ViolationList = Paged(Violation);

export const DismissInput = Obj({ reason: Type.String({ minLength: 2, maxLength: 1000, description: '排除理由' }) });

export const ReportInput = Obj({
  departmentId: Type.Optional(Uuid),
  grantId: Type.Optional(Uuid),
  occurredOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' })),
  description: Type.String({
    minLength: 5,
    maxLength: 2000,
    description: '发生了什么：超出履职需要使用共享数据的情形',
  }),
});
export type ReportInput = Static<typeof ReportInput>;

export const DetectInput = Obj({ period: Type.Optional(PeriodKey) });
export const DetectResult = Obj({
  periodKey: Type.String(),
  created: Type.Integer(),
  updated: Type.Integer(),
});
