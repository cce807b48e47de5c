import { Type, type Static } from '@sinclair/typebox';
import { OPEN_DATASET_STATUSES, OPEN_REVIEW_CHECK_CODES, type OpenReviewCheck } from '../../../shared/open/review';
import { enumOf, Nullable, Obj, PageQuery, Uuid } from '../../platform/http/schemas';
import { AttachmentOut } from './attachments-schemas';

const Answer = enumOf(['clear', 'concern'] as const, 'clear 无此情形 | concern 存在此情形');
const STATUS_CODES = Object.keys(OPEN_DATASET_STATUSES) as Array<keyof typeof OPEN_DATASET_STATUSES>;

/** R-33 (Art 20): one confidentiality review as the reviewer records it. */
export const ReviewInput = Obj({
  checklist: Obj(
    Object.fromEntries(OPEN_REVIEW_CHECK_CODES.map((c) => [c, Answer])) as Record<OpenReviewCheck, typeof Answer>,
  ),
  conclusion: enumOf(['pass', 'fail'] as const, 'pass 同意开放 | fail 不同意开放'),
  opinion: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: '审查意见; required when failing' }))),
  /** Files uploaded first to POST /api/open/attachments (e.g. the signed review form). */
  attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 10 })),
});
export type ReviewInput = Static<typeof ReviewInput>;

export const Review = Obj({
  id: Uuid,
  versionId: Uuid,
  versionNo: Type.Integer(),
  stage: enumOf(['provider', 'platform'] as const, 'provider 提供部门 | platform 平台'),
  reviewerName: Type.String(),
  checklist: Type.Record(Type.String(), Type.String()),
  conclusion: Type.String(),
  opinion: Nullable(Type.String()),
  attachments: Type.Array(AttachmentOut),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Review = Static<typeof Review>;

export const OpenDataset = Obj({
  entryId: Uuid,
  code: Type.String(),
  name: Type.String(),
  versionId: Uuid,
  versionNo: Type.Integer(),
  openType: Type.String(),
  providerDepartmentId: Uuid,
  providerName: Type.String(),
  status: enumOf(STATUS_CODES, 'unreviewed | platform_review | open | refused | withdrawn'),
  openedAt: Nullable(Type.String({ format: 'date-time' })),
  withdrawnAt: Nullable(Type.String({ format: 'date-time' })),
  withdrawnReason: Nullable(Type.String()),
  viewCount: Type.Integer(),
  downloadCount: Type.Integer(),
  actions: Obj({ review: Type.Boolean(), withdraw: Type.Boolean() }),
});
export type OpenDataset = Static<typeof OpenDataset>;

export const OpenDatasetDetail = Type.Composite([
  OpenDataset,
  Obj({
    reviews: Type.Array(Review),
    /** Open items with personal or sensitive data that still lack a masking rule for the public. */
    maskingGaps: Type.Array(Type.String()),
  }),
]);
export type OpenDatasetDetail = Static<typeof OpenDatasetDetail>;

export const DatasetQuery = Obj({
  status: Type.Optional(enumOf(STATUS_CODES)),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the name or code' })),
  ...PageQuery,
});

export const WithdrawInput = Obj({ reason: Type.String({ minLength: 1, maxLength: 2000, description: '撤回理由' }) });
