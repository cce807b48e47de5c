/** Catalog (目录管理) wire shapes, picked from the generated OpenAPI types (openapi.ts). */
import { everyOf, type Body, type Item, type QueryOf, type Res } from './openapi';

/** GET /api/catalog/enums: each list of {code, zh, en}. */
export type CatalogEnums = Res<'/api/catalog/enums'>;
export type EnumKind = keyof CatalogEnums;
export type EnumOption = Item<CatalogEnums[EnumKind]>;

export type CatalogClass = Item<Res<'/api/catalog/classes'>>;

export type CatalogVersion = Res<'/api/catalog/versions/{id}'>;
export type ShareType = CatalogVersion['shareType'];
export type OpenType = CatalogVersion['openType'];
export type VersionStatus = CatalogVersion['status'];
export type ChangeKind = CatalogVersion['changeKind'];
export type Portal = Item<CatalogVersion['portals']>;
type VersionItem = Item<CatalogVersion['items']>;
/** A data item as a version holds it; `id` is absent on rows not saved yet. */
export type DataItem = Omit<VersionItem, 'id' | 'position'> & { id?: string };
export type Sensitivity = DataItem['sensitivity'];

type EntryBody = Body<'/api/catalog/entries', 'post'>;
type ItemBody = Item<EntryBody['items']>;
/**
 * The body of POST /entries and PATCH /versions/:id as the compile form sends it: every field (the
 * server's defaults are for other callers), and codes as the form's strings — the shared catalog rules
 * (ruleProblems) check them before the request, the API schema again after.
 */
export type EntryInput = Required<Omit<EntryBody, 'formatKind' | 'updateCycle' | 'shareMethods' | 'items'>> & {
  formatKind: string;
  updateCycle: string;
  shareMethods: string[];
  items: Array<Required<Omit<ItemBody, 'dataType'>> & { dataType: string }>;
};
export type VersionPatch = Body<'/api/catalog/versions/{id}', 'patch'>;

export type ReviewStep = NonNullable<QueryOf<'/api/catalog/review-queue'>['step']>;
export type ReviewDecision = Body<'/api/catalog/versions/{id}/dept-review', 'post'>['decision'];
export type VersionWithReviews = Item<Res<'/api/catalog/entries/{id}/versions'>>;
export type Review = Item<VersionWithReviews['reviews']>;

export type VersionDiff = Res<'/api/catalog/versions/{id}/diff'>;
export type FieldChange = Item<VersionDiff['fields']>;
export type ItemRef = Item<VersionDiff['items']['added']>;

export type CatalogEntry = Res<'/api/catalog/entries/{id}'>;
/** An announced change or deletion not yet in effect. */
export type ChangeNotice = NonNullable<CatalogEntry['pendingNotice']>;

/** One row of 本部门目录 and of the review queues: an entry with its latest version. */
export type VersionRow = Item<Res<'/api/catalog/mine'>['items']>;

export type SearchResult = Res<'/api/catalog/search'>;
/** `highlights`: HTML-escaped text with matched words in <mark></mark> (read by utils/marks.ts, never v-html). */
export type SearchHit = Item<SearchResult['items']>;
export type FacetName = keyof SearchResult['facets'];
export type FacetValue = Item<SearchResult['facets'][FacetName]>;
/** The facet panel's order. */
export const FACET_NAMES = everyOf<FacetName>()([
  'department',
  'region',
  'class',
  'shareType',
  'openType',
  'formatKind',
  'shareMethod',
  'openDomain',
  'updateCycle',
]);

/** GET /excel/imports/:id: progress is processed / total within the current status (check, then create). */
export type ImportStatus = Res<'/api/catalog/excel/imports/{id}'>;
/** One wrong cell of an import: the sheet and row as Excel shows them, the Chinese column header. */
export type ImportProblem = Item<ImportStatus['errors']>;
/** What rows named like a draft of the department do: refused (the default) or updating that draft. */
export type ImportDuplicates = NonNullable<QueryOf<'/api/catalog/excel/import', 'post'>['duplicates']>;
