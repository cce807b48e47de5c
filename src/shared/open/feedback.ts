/**
 * the public's data requests (数据需求), ratings (评分), comments (评论) and error reports (纠错).
 * Limits and states shared by the server's schemas and the web's forms, so both refuse the same input.
 */
export const FEEDBACK_LIMITS = {
  title: 100,
  description: 2000,
  purpose: 1000,
  comment: 500,
  errorReport: 1000,
  itemName: 100,
  answer: 2000,
  reason: 500,
  query: 100,
} as const;

/** submitted 待审核 → published 已公开 (moderated) | rejected 未通过 (with a reason) → answered 已答复. */
export const DATA_REQUEST_STATUSES = {
  submitted: { zh: '待审核', en: 'Awaiting moderation' },
  published: { zh: '待答复', en: 'Awaiting an answer' },
  rejected: { zh: '未通过审核', en: 'Rejected' },
  answered: { zh: '已答复', en: 'Answered' },
} as const;
export type DataRequestStatus = keyof typeof DATA_REQUEST_STATUSES;
export const DATA_REQUEST_STATUS_CODES = Object.keys(DATA_REQUEST_STATUSES) as DataRequestStatus[];

/** What the public may see of a request: once the platform has published it. */
export const PUBLIC_REQUEST_STATUSES = ['published', 'answered'] as const satisfies readonly DataRequestStatus[];

export const COMMENT_STATUSES = {
  pending: { zh: '待审核', en: 'Awaiting moderation' },
  published: { zh: '已发布', en: 'Published' },
  hidden: { zh: '已屏蔽', en: 'Hidden' },
} as const;
export type CommentStatus = keyof typeof COMMENT_STATUSES;
export const COMMENT_STATUS_CODES = Object.keys(COMMENT_STATUSES) as CommentStatus[];

export const ERROR_REPORT_STATUSES = {
  open: { zh: '待答复', en: 'Awaiting an answer' },
  answered: { zh: '已答复', en: 'Answered' },
} as const;
export type ErrorReportStatus = keyof typeof ERROR_REPORT_STATUSES;
export const ERROR_REPORT_STATUS_CODES = Object.keys(ERROR_REPORT_STATUSES) as ErrorReportStatus[];
