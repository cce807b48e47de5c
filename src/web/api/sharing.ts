/** Sharing (资源共享) API calls: apply, review, grants. The shapes are in sharing-types.ts. */
import { api, type Paged, type Query } from './client';
import type {
  ApplyInfo,
  DecisionInput,
  Grant,
  GrantDetail,
  Letter,
  PrereviewInput,
  RequestFieldsInput,
  RequestInput,
  RequestSummary,
  ShareRequest,
} from './sharing-types';

export type * from './sharing-types';
export { GRANT_STATUSES, METHODS, REQUEST_STATUSES } from './sharing-types';

/** Largest application letter the server takes (SHARING_LETTER_TOO_LARGE above it). */
export const LETTER_MAX_BYTES = 10 * 1024 * 1024;
/** The server checks the content; the browser checks the name first so a wrong file fails at once. */
export const LETTER_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

const base = '/api/sharing';

export const sharingApi = {
  applyInfo: (entryId: string) => api.get<ApplyInfo>(`${base}/entries/${entryId}/apply-info`),
  uploadLetter: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<Letter>(`${base}/letters`, form);
  },
  apply: (body: RequestInput) => api.post<ShareRequest>(`${base}/requests`, body),
  requests: (q: Query) => api.get<Paged<RequestSummary>>(`${base}/requests`, q),
  request: (id: string) => api.get<ShareRequest>(`${base}/requests/${id}`),
  letterUrl: (id: string) => `${base}/requests/${id}/letter`,
  prereview: (id: string, body: PrereviewInput) => api.post<ShareRequest>(`${base}/requests/${id}/prereview`, body),
  decide: (id: string, body: DecisionInput) => api.post<ShareRequest>(`${base}/requests/${id}/decision`, body),
  resubmit: (id: string, body: RequestFieldsInput) => api.put<ShareRequest>(`${base}/requests/${id}`, body),
  withdraw: (id: string) => api.post<ShareRequest>(`${base}/requests/${id}/withdraw`),
  grants: (q: Query) => api.get<Paged<Grant>>(`${base}/grants`, q),
  grant: (id: string) => api.get<GrantDetail>(`${base}/grants/${id}`),
  revoke: (id: string, reason: string) => api.post<Grant>(`${base}/grants/${id}/revoke`, { reason }),
  renew: (id: string, validTo: string) => api.post<Grant>(`${base}/grants/${id}/renew`, { validTo }),
};
