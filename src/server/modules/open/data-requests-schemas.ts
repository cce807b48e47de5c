import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, PageQuery, Uuid } from '../../platform/http/schemas';
import {
  DATA_REQUEST_STATUS_CODES,
  FEEDBACK_LIMITS as L,
  PUBLIC_REQUEST_STATUSES,
} from '../../../shared/open/feedback';

const Instant = Type.String({ format: 'date-time' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const DataRequestStatus = enumOf(
  DATA_REQUEST_STATUS_CODES,
  'submitted 待审核 | published 已公开待答复 | rejected 未通过审核 | answered 已答复',
);

/** A data request (数据需求) as its reader may see it: the public never learns who asked. */
export const DataRequest = Obj({
  id: Uuid,
  title: Type.String(),
  description: Type.String(),
  purpose: Type.String({ description: 'what the data would be used for (用途、应用场景)' }),
  status: DataRequestStatus,
  wantedDepartmentId: Nullable(Uuid),
  wantedDepartmentName: Nullable(Type.String()),
  /** Who answers: the department the platform routed it to, or null for the platform itself. */
  departmentId: Nullable(Uuid),
  departmentName: Nullable(Type.String()),
  /** Shown to the requester and to staff only. */
  rejectReason: Nullable(Type.String()),
  answer: Nullable(Type.String()),
  answeredByName: Nullable(Type.String({ description: 'the answering department, or the platform' })),
  answerEntry: Nullable(
    Obj({ code: Type.String(), name: Type.String() }, { description: 'open dataset that satisfies it' }),
  ),
  votes: Type.Integer({ description: '我也需要: people who need it, the requester included' }),
  voted: Type.Boolean({ description: 'the signed-in user has said they need it too' }),
  mine: Type.Boolean({ description: 'the signed-in user filed it' }),
  /** The platform's reviewers see who asked; everyone else null. */
  requesterName: Nullable(Type.String()),
  createdAt: Instant,
  moderatedAt: Nullable(Instant),
  answeredAt: Nullable(Instant),
});
export type DataRequest = Static<typeof DataRequest>;

export const DataRequestInput = Obj({
  title: Text(L.title),
  description: Text(L.description),
  purpose: Text(L.purpose),
  wantedDepartmentId: Type.Optional(Nullable(Uuid)),
});
export type DataRequestInput = Static<typeof DataRequestInput>;

export const PublicRequestQuery = Obj({
  q: Type.Optional(Type.String({ maxLength: L.query })),
  status: Type.Optional(enumOf(PUBLIC_REQUEST_STATUSES, 'published 待答复 | answered 已答复; both when omitted')),
  sort: Type.Optional(enumOf(['newest', 'votes'] as const, 'newest first (default) or most needed first')),
  ...PageQuery,
});

export const ConsoleRequestQuery = Obj({
  q: Type.Optional(Type.String({ maxLength: L.query })),
  status: Type.Optional(DataRequestStatus),
  ...PageQuery,
});

export const ModerateRequestInput = Obj({
  decision: enumOf(['publish', 'reject'] as const, 'publish 公开 | reject 不予公开'),
  reason: Type.Optional(Text(L.reason)),
  /** Who answers; omitted keeps the department the requester named, null leaves it to the platform. */
  departmentId: Type.Optional(Nullable(Uuid)),
});
export type ModerateRequestInput = Static<typeof ModerateRequestInput>;

export const AnswerRequestInput = Obj({
  answer: Text(L.answer),
  entryCode: Type.Optional(Nullable(Type.String({ pattern: '^[0-9A-Za-z]{1,16}/[0-9]{6}$' }))),
});
export type AnswerRequestInput = Static<typeof AnswerRequestInput>;
