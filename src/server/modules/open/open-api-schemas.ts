import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj } from '../../platform/http/schemas';
import { CodeParams } from './portal-schemas';

/**
 * what the open API (/open/api/v1) and the portal's dictionary and licence endpoints return.
 * These schemas also make the open API's own OpenAPI document (open-api-document.ts).
 */

export const Licence = Obj({
  id: Type.String(),
  version: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  text: Type.String(),
  textEn: Type.String(),
  url: Type.String({ description: 'where the licence is served' }),
});
export type Licence = Static<typeof Licence>;

export const DictionaryItem = Obj({
  name: Type.String({ description: '数据项名称' }),
  field: Nullable(Type.String({ description: 'the key of this item in records; null before data is loaded' })),
  dataType: Type.String({ description: 'catalog data type code (C, N, D, T …)' }),
  dataTypeName: Type.String({ description: '数据类型' }),
  length: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  masked: Type.Boolean({ description: 'the public gets this item masked (脱敏)' }),
});
export type DictionaryItem = Static<typeof DictionaryItem>;

export const Dictionary = Obj({
  code: Type.String(),
  name: Type.String(),
  items: Type.Array(DictionaryItem),
  licence: Obj({ id: Type.String(), title: Type.String(), url: Type.String() }),
});
export type Dictionary = Static<typeof Dictionary>;

export const DictionaryQuery = Obj({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
});

export const OpenDatasetsQuery = Obj({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'search text (Chinese, pinyin or initials)' })),
  openDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'open domain code (Art 21)' })),
  departmentId: Type.Optional(Type.String({ format: 'uuid', description: 'providing department' })),
  openType: Type.Optional(enumOf(['unconditional', 'conditional'] as const)),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});
export type OpenDatasetsQuery = Static<typeof OpenDatasetsQuery>;

export const OpenDatasetSummary = Obj({
  code: Type.String({ description: 'resource code, prefix/seq' }),
  name: Type.String(),
  summary: Type.String(),
  providerName: Type.String(),
  openType: Type.String({ description: 'unconditional 无条件开放 | conditional 有条件开放' }),
  updateCycle: Type.String(),
  openDomains: Type.Array(Type.String()),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const OpenDatasetList = Obj({
  items: Type.Array(OpenDatasetSummary),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
export type OpenDatasetList = Static<typeof OpenDatasetList>;

export const OpenDatasetMeta = Obj({
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  providerName: Type.String(),
  providerOffice: Nullable(Type.String()),
  openType: Type.String(),
  openCondition: Nullable(Type.String()),
  openDomains: Type.Array(Type.String()),
  updateCycle: Type.String(),
  versionNo: Type.Integer(),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  openedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Whether records may be read through this API with any key (无条件开放). */
  recordsAvailable: Type.Boolean(),
  dictionary: Type.Array(DictionaryItem),
  licence: Obj({ id: Type.String(), title: Type.String(), url: Type.String() }),
});
export type OpenDatasetMeta = Static<typeof OpenDatasetMeta>;

export const OpenDatasetParams = CodeParams;

export const OpenRecordsQuery = Obj({
  fields: Type.Optional(Type.String({ description: 'comma-separated fields (see the dictionary); default all' })),
  filter: Type.Optional(
    Type.Array(Type.String(), { description: 'field:value, exact match, repeatable; not on masked fields' }),
  ),
  sort: Type.Optional(Type.String({ description: 'field, or -field for descending; not on masked fields' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, default: 0 })),
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page (key order, no sort/offset)' })),
});
export type OpenRecordsQuery = Static<typeof OpenRecordsQuery>;

export const OpenRecords = Obj({
  code: Type.String(),
  columns: Type.Array(
    Obj({ field: Type.String(), name: Type.String(), dataType: Type.String(), masked: Type.Boolean() }),
  ),
  items: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  nextCursor: Nullable(Type.String()),
  licence: Type.String({ description: 'licence id; the text is at /api/portal/licence' }),
});
export type OpenRecords = Static<typeof OpenRecords>;
