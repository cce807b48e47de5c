/** 资源开放 in the console: open entries and their confidentiality reviews. */
import { api, type Paged, type Query } from './client';
import { everyOf, type Body, type Item, type Res } from './openapi';

export type OpenDataset = Item<Res<'/api/open/datasets'>['items']>;
export type OpenDatasetDetail = Res<'/api/open/datasets/{entryId}'>;
export type OpenStatus = OpenDataset['status'];
export type OpenReview = Item<OpenDatasetDetail['reviews']>;
export type ReviewInput = Body<'/api/open/datasets/{entryId}/reviews', 'post'>;
export type ReviewCheck = keyof ReviewInput['checklist'];
export const OPEN_STATUSES = everyOf<OpenStatus>()(['unreviewed', 'platform_review', 'open', 'refused', 'withdrawn']);
export const REVIEW_CHECKS = everyOf<ReviewCheck>()([
  'stateSecret',
  'commercialSecret',
  'personalPrivacy',
  'publicSafety',
]);

const base = '/api/open';

export const openApi = {
  datasets: (q: Query) => api.get<Paged<OpenDataset>>(`${base}/datasets`, q),
  dataset: (entryId: string) => api.get<OpenDatasetDetail>(`${base}/datasets/${entryId}`),
  review: (entryId: string, body: ReviewInput) =>
    api.post<OpenDatasetDetail>(`${base}/datasets/${entryId}/reviews`, body),
  withdraw: (entryId: string, reason: string) =>
    api.post<OpenDatasetDetail>(`${base}/datasets/${entryId}/withdraw`, { reason }),
};

/** The dataset's page on the public portal. */
export const portalPath = (code: string) => `/datasets/${code}`;
