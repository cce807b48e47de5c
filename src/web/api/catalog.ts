/** Catalog (目录管理) API calls; the shapes are in catalog-types.ts. */
import { api, buildUrl, type Paged, type Query } from './client';
import type {
  CatalogClass,
  CatalogEnums,
  CatalogEntry,
  CatalogVersion,
  EntryInput,
  ImportDuplicates,
  ImportStatus,
  ReviewDecision,
  ReviewStep,
  SearchResult,
  VersionDiff,
  VersionRow,
  VersionWithReviews,
} from './catalog-types';
import type {
  Demand,
  DemandInput,
  Objection,
  ObjectionInput,
  Responsibility,
  ResponsibilityInput,
} from './catalog-feedback-types';
import type { Res } from './openapi';

export type * from './catalog-types';
export type * from './catalog-feedback-types';
export { FACET_NAMES } from './catalog-types';

export type SearchParams = Query;
type Subscription = Res<'/api/catalog/entries/{id}/subscription', 'post'>;

export const catalogApi = {
  enums: () => api.get<CatalogEnums>('/api/catalog/enums'),
  classes: () => api.get<CatalogClass[]>('/api/catalog/classes'),
  createEntry: (body: EntryInput) => api.post<CatalogEntry>('/api/catalog/entries', body),
  updateVersion: (id: string, body: EntryInput & { changeNote?: string | null }) =>
    api.patch<CatalogVersion>(`/api/catalog/versions/${id}`, body),
  submit: (id: string) => api.post<CatalogVersion>(`/api/catalog/versions/${id}/submit`),
  review: (id: string, step: ReviewStep, decision: ReviewDecision, reason?: string) =>
    api.post<CatalogVersion>(`/api/catalog/versions/${id}/${step === 'dept' ? 'dept-review' : 'platform-review'}`, {
      decision,
      ...(reason ? { reason } : {}),
    }),
  queue: (step: ReviewStep, page: number, pageSize: number) =>
    api.get<Paged<VersionRow>>('/api/catalog/review-queue', { step, page, pageSize }),
  mine: (q: Query) => api.get<Paged<VersionRow>>('/api/catalog/mine', q),
  entry: (id: string) => api.get<CatalogEntry>(`/api/catalog/entries/${id}`),
  versions: (entryId: string) => api.get<VersionWithReviews[]>(`/api/catalog/entries/${entryId}/versions`),
  diff: (id: string, against: string) => api.get<VersionDiff>(`/api/catalog/versions/${id}/diff`, { against }),
  version: (id: string) => api.get<CatalogVersion>(`/api/catalog/versions/${id}`),
  startChange: (entryId: string) => api.post<CatalogVersion>(`/api/catalog/entries/${entryId}/changes`),
  withdraw: (id: string) => api.post<CatalogVersion>(`/api/catalog/versions/${id}/withdraw`),
  requestDeletion: (entryId: string, reason: string) =>
    api.post<CatalogVersion>(`/api/catalog/entries/${entryId}/deletion`, { reason }),
  subscribe: (entryId: string) => api.post<Subscription>(`/api/catalog/entries/${entryId}/subscription`),
  unsubscribe: (entryId: string) => api.delete<Subscription>(`/api/catalog/entries/${entryId}/subscription`),
  search: (q: SearchParams) => api.get<SearchResult>('/api/catalog/search', q),
  exportUrl: (q: SearchParams) => buildUrl('/api/catalog/excel/export', q),
  templateUrl: () => '/api/catalog/excel/template',
  importFile: (file: File, duplicates: ImportDuplicates) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<ImportStatus>(buildUrl('/api/catalog/excel/import', { duplicates }), form);
  },
  entryObjections: (entryId: string) =>
    api.get<Paged<Objection>>(`/api/catalog/entries/${entryId}/objections`, { pageSize: 100 }),
  raiseObjection: (entryId: string, body: ObjectionInput) =>
    api.post<Objection>(`/api/catalog/entries/${entryId}/objections`, body),
  objection: (id: string) => api.get<Objection>(`/api/catalog/objections/${id}`),
  answerObjection: (id: string, answer: string) =>
    api.post<Objection>(`/api/catalog/objections/${id}/answer`, { answer }),
  confirmObjection: (id: string, rating: number) =>
    api.post<Objection>(`/api/catalog/objections/${id}/confirm`, { rating }),
  reopenObjection: (id: string, reason: string) =>
    api.post<Objection>(`/api/catalog/objections/${id}/reopen`, { reason }),
  fileDemand: (body: DemandInput) => api.post<Demand>('/api/catalog/demands', body),
  rejectDemand: (id: string, reason: string) => api.post<Demand>(`/api/catalog/demands/${id}/reject`, { reason }),
  createResponsibility: (body: ResponsibilityInput) => api.post<Responsibility>('/api/catalog/responsibilities', body),
  importStatus: (id: string) => api.get<ImportStatus>(`/api/catalog/excel/imports/${id}`),
};

/** Starts a browser download of a same-origin URL (the session cookie goes along). */
export function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
