import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj } from '../../platform/http/schemas';
import { MAX_SPEC_LENGTH, RULE_CODES } from '../../platform/masking';

/**
 * '*' applies to every channel; table, file and api (sharing's methods) and open (the public portal's
 * downloads, preview and open API, R-31) override it for that channel.
 */
export const MASKING_CHANNELS = ['*', 'table', 'file', 'api', 'open'] as const;
export type MaskingChannel = (typeof MASKING_CHANNELS)[number];
export const OVERRIDE_CHANNELS = ['table', 'file', 'api', 'open'] as const;
export type OverrideChannel = (typeof OVERRIDE_CHANNELS)[number];

const Spec = Type.String({
  minLength: 1,
  maxLength: MAX_SPEC_LENGTH,
  description: 'rule spec: mobile, address:town, keep:3,4, regex:/\\d{4}$/****/ …',
});
const Label = Obj({ zh: Type.String(), en: Type.String() });
const RuleView = Obj({ rule: Type.String({ description: 'canonical spec' }), label: Label });

export const MaskingRuleInput = Obj({
  field: Type.String({ minLength: 1, maxLength: 64, description: 'managed column of a data item (its field name)' }),
  channel: enumOf(MASKING_CHANNELS, "'*' every channel; table 库表, file 文件, api 接口, open 开放 override it"),
  rule: Spec,
});
export type MaskingRuleInput = Static<typeof MaskingRuleInput>;
export const MaskingInput = Type.Array(MaskingRuleInput, {
  maxItems: 2000,
  description: 'the whole configuration: rules not listed are removed',
});

export const MaskingItem = Obj({
  field: Type.String(),
  name: Type.String(),
  dataType: Type.String(),
  sensitivity: Type.Union([Type.Literal('none'), Type.Literal('personal'), Type.Literal('sensitive')]),
  catalogRule: Nullable(Type.String({ description: "the catalog's free-text 脱敏规则" })),
  suggested: RuleView,
  configured: Obj({
    '*': Nullable(Type.String()),
    table: Nullable(Type.String()),
    file: Nullable(Type.String()),
    api: Nullable(Type.String()),
    open: Nullable(Type.String()),
  }),
  effective: Obj(
    { table: RuleView, file: RuleView, api: RuleView, open: RuleView },
    { description: 'what a consumer of each channel gets: the override, else *, else the suggestion' },
  ),
});
export type MaskingItem = Static<typeof MaskingItem>;

export const RuleCodeInfo = Obj({
  code: enumOf(RULE_CODES),
  nameZh: Type.String(),
  nameEn: Type.String(),
  keepsZh: Type.String(),
  keepsEn: Type.String(),
  example: Obj({ rule: Type.String(), value: Type.String(), masked: Type.String() }),
});
export type RuleCodeInfo = Static<typeof RuleCodeInfo>;

export const Masking = Obj({
  entryId: Type.String(),
  /** The channels the entry is shared or opened through (overrides for others are kept but unused). */
  channels: Type.Array(Type.String()),
  items: Type.Array(MaskingItem),
  ruleCodes: Type.Array(RuleCodeInfo),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type Masking = Static<typeof Masking>;

export const PreviewInput = Obj({ rule: Spec, value: Type.String({ maxLength: 1000 }) });
export const Preview = Obj({ rule: Type.String(), label: Label, masked: Nullable(Type.String()) });
export type Preview = Static<typeof Preview>;
