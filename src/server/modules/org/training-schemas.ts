import { Type, type Static } from '@sinclair/typebox';
import { AttachmentIds, AttachmentOut } from '../../platform/attachments';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing calendar)' });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, description });

export const MAX_TRAINING_MATERIALS = 20;
export const TRAINING_UPLOAD_PATH = '/api/training/attachments';

/** Whether an attendee passed the session's assessment: yes 合格 | no 不合格 | unknown 未考核或不详. */
export const PASSED = ['yes', 'no', 'unknown'] as const;
export type Passed = (typeof PASSED)[number];
const Passed = enumOf(PASSED, 'yes 考核合格 | no 不合格 | unknown 未考核或不详');

export const AttendeeInput = Obj({ specialistId: Uuid, passed: Passed });
export type AttendeeInput = Static<typeof AttendeeInput>;

const SessionFields = {
  title: Text(200),
  heldOn: { ...Day, description: 'the day it was held, YYYY-MM-DD; not in the future' },
  organizer: Text(200, '主办单位'),
  hours: Type.Number({ minimum: 0.5, maximum: 999, multipleOf: 0.5, description: '学时, in half hours' }),
  content: Text(10000, '培训内容'),
};

export const SessionInput = Obj({
  ...SessionFields,
  attendees: Type.Optional(Type.Array(AttendeeInput, { maxItems: 1000 })),
  attachmentIds: Type.Optional(AttachmentIds(MAX_TRAINING_MATERIALS, TRAINING_UPLOAD_PATH)),
});
export type SessionInput = Static<typeof SessionInput>;

export const SessionUpdate = Obj({
  ...SessionFields,
  attachmentIds: Type.Optional({
    ...AttachmentIds(MAX_TRAINING_MATERIALS, TRAINING_UPLOAD_PATH),
    description: 'further materials to add',
  }),
});
export type SessionUpdate = Static<typeof SessionUpdate>;

export const AttendanceInput = Obj({ attendees: Type.Array(AttendeeInput, { maxItems: 1000 }) });

export const Attendee = Obj({
  specialistId: Uuid,
  name: Type.String(),
  departmentId: Uuid,
  departmentName: Type.String(),
  passed: Passed,
});

export const SessionSummary = Obj({
  id: Uuid,
  title: Type.String(),
  heldOn: Day,
  organizer: Type.String(),
  hours: Type.Number(),
  attendeeCount: Type.Integer(),
  createdByName: Type.String(),
});
export type SessionSummary = Static<typeof SessionSummary>;

export const SessionDetail = Type.Composite([
  SessionSummary,
  Obj({ content: Type.String(), attendees: Type.Array(Attendee), materials: Type.Array(AttachmentOut) }),
]);
export type SessionDetail = Static<typeof SessionDetail>;

export const SessionQuery = Obj({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  ...PageQuery,
});
export const SessionList = Paged(SessionSummary);

export const RecordSummary = Obj({
  specialistId: Uuid,
  name: Type.String(),
  departmentId: Uuid,
  departmentName: Type.String(),
  active: Type.Boolean(),
  sessions: Type.Integer({ description: 'sessions attended, ever' }),
  sessionsThisYear: Type.Integer(),
  hoursThisYear: Type.Number({ description: 'training hours this calendar year (Beijing)' }),
  lastHeldOn: Nullable(Day),
});
export type RecordSummary = Static<typeof RecordSummary>;

export const RecordQuery = Obj({
  departmentId: Type.Optional(Uuid),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  ...PageQuery,
});
export const RecordList = Paged(RecordSummary);

export const SpecialistRecord = Type.Composite([
  RecordSummary,
  Obj({
    year: Type.Integer(),
    attended: Type.Array(
      Obj({
        sessionId: Uuid,
        title: Type.String(),
        heldOn: Day,
        organizer: Type.String(),
        hours: Type.Number(),
        passed: Passed,
      }),
    ),
  }),
]);
export type SpecialistRecord = Static<typeof SpecialistRecord>;

export const UncoveredDepartment = Obj({
  departmentId: Uuid,
  departmentName: Type.String(),
  lastActiveTo: Nullable(Day),
});
export const UncoveredList = Type.Array(UncoveredDepartment);
