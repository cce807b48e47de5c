/** Assessment (Art 29) and violations (Art 30) API calls. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type IndicatorList = Res<'/api/supervision/indicators'>;
export type Indicator = Item<IndicatorList['items']>;
export type Weights = Res<'/api/supervision/weights'>;
export type WeightsInput = Body<'/api/supervision/weights', 'put'>;
export type Thresholds = Res<'/api/supervision/thresholds'>;
export type PeriodList = Res<'/api/supervision/periods'>;
export type PeriodItem = Item<PeriodList['items']>;
export type Ranking = Res<'/api/supervision/periods/{period}/ranking'>;
export type RankingItem = Item<Ranking['items']>;
export type DepartmentCard = Res<'/api/supervision/periods/{period}/departments/{departmentId}'>;
export type EvidenceItem = Item<Res<'/api/supervision/periods/{period}/departments/{departmentId}/evidence'>['items']>;
export type Trend = Res<'/api/supervision/trends'>;
export type SnapshotSummary = Res<'/api/supervision/snapshots', 'post'>;
export type Violation = Item<Res<'/api/supervision/violations'>['items']>;
export type ViolationDetail = Res<'/api/supervision/violations/{id}'>;
export type ReportInput = Body<'/api/supervision/violations/report', 'post'>;
export type Card = 'red' | 'yellow' | 'green';
export type PeriodKind = 'month' | 'quarter' | 'year';

const base = '/api/supervision';

export const supervisionApi = {
  indicators: () => api.get<IndicatorList>(`${base}/indicators`),
  weights: (periodKind: PeriodKind) => api.get<Weights>(`${base}/weights`, { periodKind }),
  saveWeights: (body: WeightsInput) => api.put<Weights>(`${base}/weights`, body),
  thresholds: () => api.get<Thresholds>(`${base}/thresholds`),
  saveThresholds: (body: Thresholds) => api.put<Thresholds>(`${base}/thresholds`, body),
  periods: (periodKind?: PeriodKind) => api.get<PeriodList>(`${base}/periods`, periodKind ? { periodKind } : {}),
  recompute: (period: string) => api.post<SnapshotSummary>(`${base}/snapshots`, { period }),
  ranking: (period: string) => api.get<Ranking>(`${base}/periods/${period}/ranking`),
  card: (period: string, departmentId: string) =>
    api.get<DepartmentCard>(`${base}/periods/${period}/departments/${departmentId}`),
  evidencePath: (period: string, departmentId: string) =>
    `${base}/periods/${period}/departments/${departmentId}/evidence`,
  trend: (departmentId: string, periodKind: PeriodKind, count = 6) =>
    api.get<Trend>(`${base}/trends`, { departmentId, periodKind, count }),
  exportUrl: (period: string, format: 'xlsx' | 'pdf') => `${base}/periods/${period}/export.${format}`,
  violation: (id: string) => api.get<ViolationDetail>(`${base}/violations/${id}`),
  dismiss: (id: string, reason: string) => api.post<ViolationDetail>(`${base}/violations/${id}/dismiss`, { reason }),
  report: (body: ReportInput) => api.post<ViolationDetail>(`${base}/violations/report`, body),
  detect: () => api.post<Res<'/api/supervision/violations/detect', 'post'>>(`${base}/violations/detect`, {}),
};

/** Element Plus tag types of the cards. */
export const CARD_TAG = { green: 'success', yellow: 'warning', red: 'danger' } as const;
export const CARD_COLOR = { green: '#67c23a', yellow: '#e6a23c', red: '#f56c6c' } as const;
