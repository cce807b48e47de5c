/** Rectification notices (整改通知), circulars (通报) and the leading group report (issue #16 point 4). */
import { api, buildUrl } from './client';
import type { Body, Item, Res } from './openapi';

export type Notice = Res<'/api/supervision/rectifications/{id}'>;
export type NoticeSummary = Item<Res<'/api/supervision/rectifications'>['items']>;
export type NoticeInput = Body<'/api/supervision/rectifications', 'post'>;
export type AnswerInput = Body<'/api/supervision/rectifications/{id}/answer', 'post'>;
export type VerifyInput = Body<'/api/supervision/rectifications/{id}/verify', 'post'>;
export type Candidate = Item<Res<'/api/supervision/rectifications/candidates'>>;
export type CircularSummary = Item<Res<'/api/supervision/circulars'>['items']>;
export type Circular = Res<'/api/supervision/circulars/{id}'>;

const base = '/api/supervision';
export const RECTIFICATION_UPLOAD = `${base}/rectifications/attachments`;

export const rectificationApi = {
  notice: (id: string) => api.get<Notice>(`${base}/rectifications/${id}`),
  candidates: (departmentId: string) => api.get<Candidate[]>(`${base}/rectifications/candidates`, { departmentId }),
  issue: (body: NoticeInput) => api.post<Notice>(`${base}/rectifications`, body),
  answer: (id: string, body: AnswerInput) => api.post<Notice>(`${base}/rectifications/${id}/answer`, body),
  verify: (id: string, body: VerifyInput) => api.post<Notice>(`${base}/rectifications/${id}/verify`, body),
  circular: (id: string) => api.get<Circular>(`${base}/circulars/${id}`),
  reportUrl: (period: string, format: 'xlsx' | 'html') => buildUrl(`${base}/leading-group-report`, { period, format }),
};
