/** Data exchange (数据交换) wire shapes, picked from the generated OpenAPI types (openapi.ts). */
import { everyOf, type Body, type Item, type PathParams, type QueryOf, type Res } from './openapi';

export type Source = Item<Res<'/api/exchange/sources'>['items']>;
export type SourceKind = Source['kind'];
export const SOURCE_KINDS = everyOf<SourceKind>()(['mysql', 'postgresql']);
/** The port a kind listens on when the form leaves it empty. */
export const DEFAULT_PORT: Record<SourceKind, number> = { mysql: 3306, postgresql: 5432 };
export type SourceInput = Body<'/api/exchange/sources', 'post'>;
/** Omitting the password keeps the stored one. */
export type SourcePatch = Body<'/api/exchange/sources/{id}', 'patch'>;
export type TestResult = Res<'/api/exchange/sources/{id}/test', 'post'>;
export type SourceTable = Item<Res<'/api/exchange/sources/{id}/tables'>['items']>;
export type SourceColumn = Item<Res<'/api/exchange/sources/{id}/columns'>['items']>;

export type Binding = Res<'/api/exchange/entries/{id}/binding'>;
/** `column`: the managed column (the data item's field). */
export type ColumnMapping = Item<Binding['columnMap']>;
export type BindingInput = Body<'/api/exchange/entries/{id}/binding', 'put'>;
export type RunMode = NonNullable<Body<'/api/exchange/entries/{id}/runs', 'post'>['mode']>;
export type Run = Item<Res<'/api/exchange/entries/{id}/runs'>>;
export type RunStatus = Run['status'];

export type RecordsPage = Res<'/api/v1/data/{prefix}/{seq}/records'>;
export type ExportFormat = NonNullable<QueryOf<'/api/v1/data/{prefix}/{seq}/export'>['format']>;

/**
 * R-27, measured after each load; ratios are 0..1. `timely`: last load within 1.5 update cycles, null
 * when the cycle is irregular or nothing was loaded; `history`: newest first, up to 30.
 */
export type Quality = Res<'/api/exchange/entries/{id}/quality'>;
export type QualitySnapshot = Item<Quality['history']>;
/** One data item's share of a snapshot: `checked` sampled values against `rule`, `invalid` of them failed. */
export type QualityColumn = Item<QualitySnapshot['columns']>;

/** One version of an entry's resource file. */
export type ResourceFile = Item<Res<'/api/exchange/entries/{id}/files'>['items']>;

/** R-26 libraries: 基础库 (base, class 1) and 主题库 (theme, class 2). */
export type LibraryKind = PathParams<'/api/exchange/libraries/{kind}'>['kind'];
export type Library = Item<Res<'/api/exchange/libraries/{kind}'>>;

/** R-43 masking per data item and channel; '*' is every channel. */
export type Masking = Omit<Res<'/api/exchange/entries/{id}/masking'>, 'channels'> & {
  /** The channels the entry is shared through (the schema says string[]; the server sends override channels). */
  channels: OverrideChannel[];
};
export type MaskingItem = Item<Masking['items']>;
export type MaskingChannel = keyof MaskingItem['configured'];
export type OverrideChannel = keyof MaskingItem['effective'];
export const MASKING_CHANNELS = everyOf<MaskingChannel>()(['*', 'table', 'file', 'api', 'open']);
/** `rule`: the canonical spec (mobile, address:town, keep:3,4, regex:/…/…/). */
export type RuleView = MaskingItem['suggested'];
export type RuleCodeInfo = Item<Masking['ruleCodes']>;
export type MaskingRuleInput = Item<Body<'/api/exchange/entries/{id}/masking', 'put'>>;
export type MaskingPreview = Res<'/api/exchange/entries/{id}/masking/preview', 'post'>;
