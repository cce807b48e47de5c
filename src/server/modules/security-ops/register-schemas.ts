import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';
import { SECURITY_RECORD_KIND_CODES, SECURITY_RECORD_KINDS } from '../../../shared/security/register';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing calendar)' });
const Instant = Type.String({ format: 'date-time' });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, description });

export const RecordKind = enumOf(
  SECURITY_RECORD_KIND_CODES,
  Object.entries(SECURITY_RECORD_KINDS)
    .map(([k, v]) => `${k} ${v.zh} (Art ${v.article})`)
    .join(' | '),
);

export const ActionInput = Obj({
  description: Text(1000, 'what must be done 整改/跟进措施'),
  owner: Text(100, 'who answers for it: a person, a team or a department 责任人'),
  dueOn: { ...Day, description: 'the deadline, YYYY-MM-DD; not before the day the record was held' },
});
export type ActionInput = Static<typeof ActionInput>;

export const MAX_ATTACHMENTS = 10;
const AttachmentIds = Type.Array(Uuid, {
  maxItems: MAX_ATTACHMENTS,
  uniqueItems: true,
  description: 'ids of files uploaded with POST /api/security/attachments',
});

export const RecordInput = Obj({
  kind: RecordKind,
  heldOn: { ...Day, description: 'the day it was held, YYYY-MM-DD; not in the future' },
  title: Text(200),
  scope: Text(2000, 'what it covered: systems, data, departments 范围'),
  conductedBy: Text(200, 'who held it: an assessment body, the authority, a team 实施单位'),
  findings: Type.String({ maxLength: 10000, description: 'what was found 发现的问题; empty when nothing' }),
  conclusion: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  actions: Type.Optional(Type.Array(ActionInput, { maxItems: 50 })),
  attachmentIds: Type.Optional(AttachmentIds),
});
export type RecordInput = Static<typeof RecordInput>;

export const RecordUpdate = Type.Composite([
  Type.Omit(RecordInput, ['actions', 'attachmentIds']),
  Obj({ attachmentIds: Type.Optional({ ...AttachmentIds, description: 'further files to add to the record' }) }),
]);
export type RecordUpdate = Static<typeof RecordUpdate>;

export const AttachmentOut = Obj({ id: Uuid, fileName: Type.String(), mime: Type.String(), size: Type.Integer() });
export type AttachmentOut = Static<typeof AttachmentOut>;

export const Action = Obj({
  id: Uuid,
  recordId: Uuid,
  description: Type.String(),
  owner: Type.String(),
  dueOn: Day,
  doneAt: Nullable(Instant),
  doneByName: Nullable(Type.String()),
  doneNote: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'open past its day' }),
});
export type Action = Static<typeof Action>;

export const RecordSummary = Obj({
  id: Uuid,
  kind: RecordKind,
  heldOn: Day,
  title: Type.String(),
  scope: Type.String(),
  conductedBy: Type.String(),
  findings: Type.String(),
  conclusion: Nullable(Type.String()),
  createdByName: Type.String(),
  createdAt: Instant,
  updatedByName: Type.String(),
  updatedAt: Instant,
  openActions: Type.Integer(),
  overdueActions: Type.Integer(),
});
export type RecordSummary = Static<typeof RecordSummary>;

export const RecordDetail = Type.Composite([
  RecordSummary,
  Obj({ actions: Type.Array(Action), attachments: Type.Array(AttachmentOut) }),
]);
export type RecordDetail = Static<typeof RecordDetail>;

export const RecordList = Paged(RecordDetail);

export const RecordQuery = Obj({
  kind: Type.Optional(RecordKind),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  openActions: Type.Optional(Type.Boolean({ description: 'only records with follow-up actions still open' })),
  ...PageQuery,
});

export const CompleteInput = Obj({ note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) });

export const RegisterStatus = Obj({
  yearly: Type.Array(
    Obj({
      kind: RecordKind,
      lastHeldOn: Nullable(Day),
      dueBy: Nullable({ ...Day, description: 'a year after the last one; null when none was ever held' }),
      status: enumOf(['ok', 'due_soon', 'overdue'] as const, 'ok | due_soon (within 30 days) | overdue'),
    }),
    { description: 'Art 25: a security assessment and an emergency drill at least once a year' },
  ),
  openActions: Type.Integer(),
  overdueActions: Type.Integer(),
});
export type RegisterStatus = Static<typeof RegisterStatus>;
