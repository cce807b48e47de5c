/** data requests (数据需求), ratings, comments and 纠错 — the portal's and the console's calls. */
import { api, type Paged, type Query } from './client';
import { everyOf, type Body, type Item, type Res } from './openapi';

export type DataRequest = Res<'/api/portal/requests/{id}'>;
export type DataRequestStatus = DataRequest['status'];
export type DataRequestInput = Body<'/api/portal/requests', 'post'>;
export type ModerateRequestInput = Body<'/api/open/requests/{id}/moderate', 'post'>;
export type AnswerRequestInput = Body<'/api/open/requests/{id}/answer', 'post'>;
export type DatasetFeedback = Res<'/api/portal/datasets/{prefix}/{seq}/feedback'>;
export type RatingSummary = DatasetFeedback['rating'];
export type DatasetComment = Item<DatasetFeedback['comments']['items']>;
export type CommentStatus = DatasetComment['status'];
export type ErrorReport = Item<DatasetFeedback['myErrorReports']>;
export type ErrorReportStatus = ErrorReport['status'];
export type ErrorReportInput = Body<'/api/portal/datasets/{prefix}/{seq}/error-reports', 'post'>;
export type MyFeedback = Res<'/api/portal/feedback/mine'>;

export const REQUEST_STATUSES = everyOf<DataRequestStatus>()(['submitted', 'published', 'rejected', 'answered']);
export const COMMENT_STATUSES = everyOf<CommentStatus>()(['pending', 'published', 'hidden']);
export const ERROR_REPORT_STATUSES = everyOf<ErrorReportStatus>()(['open', 'answered']);

export const REQUEST_TAG: Record<DataRequestStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  submitted: 'info',
  published: 'warning',
  rejected: 'danger',
  answered: 'success',
};

const dataset = (code: string) => `/api/portal/datasets/${code}`;

export const feedbackApi = {
  // the public
  requests: (q: Query) => api.get<Paged<DataRequest>>('/api/portal/requests', q),
  myRequests: (q: Query) => api.get<Paged<DataRequest>>('/api/portal/requests/mine', q),
  fileRequest: (body: DataRequestInput) => api.post<DataRequest>('/api/portal/requests', body),
  vote: (id: string) => api.post<DataRequest>(`/api/portal/requests/${id}/vote`),
  feedback: (code: string, q: Query) => api.get<DatasetFeedback>(`${dataset(code)}/feedback`, q),
  rate: (code: string, stars: number) => api.put<RatingSummary>(`${dataset(code)}/rating`, { stars }),
  comment: (code: string, content: string) => api.post<DatasetComment>(`${dataset(code)}/comments`, { content }),
  reportError: (code: string, body: ErrorReportInput) => api.post<ErrorReport>(`${dataset(code)}/error-reports`, body),
  mine: () => api.get<MyFeedback>('/api/portal/feedback/mine'),
  // the console
  moderateRequest: (id: string, body: ModerateRequestInput) =>
    api.post<DataRequest>(`/api/open/requests/${id}/moderate`, body),
  answerRequest: (id: string, body: AnswerRequestInput) =>
    api.post<DataRequest>(`/api/open/requests/${id}/answer`, body),
  staffRequest: (id: string) => api.get<DataRequest>(`/api/open/requests/${id}`),
  moderateComment: (id: string, decision: 'publish' | 'hide', reason?: string) =>
    api.post<DatasetComment>(`/api/open/comments/${id}/moderate`, { decision, ...(reason ? { reason } : {}) }),
  answerErrorReport: (id: string, answer: string) =>
    api.post<ErrorReport>(`/api/open/error-reports/${id}/answer`, { answer }),
};
