import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';
import { COMMENT_STATUS_CODES, ERROR_REPORT_STATUS_CODES, FEEDBACK_LIMITS as L } from '../../../shared/open/feedback';

const Instant = Type.String({ format: 'date-time' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const CommentStatus = enumOf(COMMENT_STATUS_CODES, 'pending 待审核 | published 已发布 | hidden 已屏蔽');
export const ErrorReportStatus = enumOf(ERROR_REPORT_STATUS_CODES, 'open 待答复 | answered 已答复');

export const RatingSummary = Obj({
  /** One decimal; null before anyone rated. */
  average: Nullable(Type.Number()),
  count: Type.Integer(),
  /** The signed-in user's own stars. */
  mine: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
});
export type RatingSummary = Static<typeof RatingSummary>;

export const Comment = Obj({
  id: Uuid,
  entryCode: Type.String(),
  entryName: Type.String(),
  content: Type.String(),
  status: CommentStatus,
  /** To its author and the platform only. */
  hiddenReason: Nullable(Type.String()),
  /** The public sees a masked name (吴*); the platform's moderators the real one. */
  authorName: Type.String(),
  mine: Type.Boolean(),
  createdAt: Instant,
});
export type Comment = Static<typeof Comment>;

export const ErrorReport = Obj({
  id: Uuid,
  entryId: Uuid,
  entryCode: Type.String(),
  entryName: Type.String(),
  providerDepartmentName: Type.String(),
  itemName: Nullable(Type.String({ description: 'the data item the error is in, if the reporter named one' })),
  content: Type.String(),
  status: ErrorReportStatus,
  answer: Nullable(Type.String()),
  answeredAt: Nullable(Instant),
  /** Staff only; null for the reporter's own view. */
  reporterName: Nullable(Type.String()),
  createdAt: Instant,
});
export type ErrorReport = Static<typeof ErrorReport>;

export const DatasetFeedback = Obj({
  rating: RatingSummary,
  /** Published comments, and the reader's own in any state, newest first. */
  comments: Paged(Comment),
  errorReports: Obj({ total: Type.Integer(), answered: Type.Integer() }),
  /** The signed-in user's 纠错 on this dataset with the provider's answers. */
  myErrorReports: Type.Array(ErrorReport),
});
export type DatasetFeedback = Static<typeof DatasetFeedback>;

export const MyFeedback = Obj({
  ratings: Type.Array(
    Obj({ entryCode: Type.String(), entryName: Type.String(), stars: Type.Integer(), updatedAt: Instant }),
  ),
  comments: Type.Array(Comment),
  errorReports: Type.Array(ErrorReport),
});
export type MyFeedback = Static<typeof MyFeedback>;

export const RatingInput = Obj({ stars: Type.Integer({ minimum: 1, maximum: 5 }) });
export const CommentInput = Obj({ content: Text(L.comment) });
export const ErrorReportInput = Obj({
  itemName: Type.Optional(Nullable(Type.String({ maxLength: L.itemName }))),
  content: Text(L.errorReport),
});
export type ErrorReportInput = Static<typeof ErrorReportInput>;

export const CommentQuery = Obj({ status: Type.Optional(CommentStatus), ...PageQuery });
export const ErrorReportQuery = Obj({ status: Type.Optional(ErrorReportStatus), ...PageQuery });

export const ModerateCommentInput = Obj({
  decision: enumOf(['publish', 'hide'] as const, 'publish 发布 | hide 屏蔽'),
  reason: Type.Optional(Text(L.reason)),
});
export type ModerateCommentInput = Static<typeof ModerateCommentInput>;

export const AnswerErrorReportInput = Obj({ answer: Text(L.answer) });
