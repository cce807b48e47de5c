/** Open portal (资源开放门户) API calls, for anyone without a login; shapes from the generated OpenAPI types. */
import { api, type Query } from './client';
import { everyOf, type Item, type QueryOf, type Res } from './openapi';

export type PortalHome = Res<'/api/portal/home'>;
export type PortalCard = Item<PortalHome['newest']>;
export type Counted = Item<PortalHome['domains']>;
export type PortalSearchQuery = QueryOf<'/api/portal/datasets'>;
export type PortalSearchResult = Res<'/api/portal/datasets'>;
export type PortalHit = Item<PortalSearchResult['items']>;
export type PortalDataset = Res<'/api/portal/datasets/{prefix}/{seq}'>;
export type PortalItem = Item<PortalDataset['items']>;
export type PortalPreview = Res<'/api/portal/datasets/{prefix}/{seq}/preview'>;
export type DownloadFormat = NonNullable<QueryOf<'/api/portal/datasets/{prefix}/{seq}/download'>['format']>;
export type PortalSort = NonNullable<PortalSearchQuery['sort']>;

export const DOWNLOAD_FORMATS = everyOf<DownloadFormat>()(['csv', 'xlsx', 'jsonl']);
export const SORTS = everyOf<PortalSort>()(['relevance', 'published_desc', 'name']);

/** The facets the portal offers (the sharing-only ones and the class tree stay in the console), each with its query parameter. */
export const PORTAL_FACETS = [
  ['openDomain', 'openDomain'],
  ['department', 'departmentId'],
  ['region', 'regionCode'],
  ['formatKind', 'formatKind'],
  ['openType', 'openType'],
  ['updateCycle', 'updateCycle'],
] as const satisfies ReadonlyArray<readonly [keyof PortalSearchResult['facets'], keyof PortalSearchQuery]>;

/** The query parameters of a search, as the search page keeps them in its URL. */
export const SEARCH_PARAMS = ['q', 'sort', 'page', ...PORTAL_FACETS.map(([, p]) => p)] as const;

/** A dataset code is `prefix/seq`, the two path segments of its pages and API. */
const base = (code: string) => `/api/portal/datasets/${code}`;

export const portalApi = {
  home: () => api.get<PortalHome>('/api/portal/home'),
  search: (q: Query) => api.get<PortalSearchResult>('/api/portal/datasets', q),
  dataset: (code: string, view = false) => api.get<PortalDataset>(base(code), view ? { view: true } : undefined),
  preview: (code: string) => api.get<PortalPreview>(`${base(code)}/preview`),
  downloadUrl: (code: string, format: DownloadFormat) => `${base(code)}/download?format=${format}`,
};
