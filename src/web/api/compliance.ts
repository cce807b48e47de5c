/** The live compliance view (issue #16 point 6): each article with this instance's evidence. */
import { api, buildUrl } from './client';
import type { Res } from './openapi';

export type ComplianceView = Res<'/api/supervision/compliance'>;
export type ComplianceArticle = ComplianceView['articles'][number];

export const complianceApi = {
  view: () => api.get<ComplianceView>('/api/supervision/compliance'),
  exportUrl: () => buildUrl('/api/supervision/compliance.xlsx'),
};
