import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Nullable, Obj } from '../typebox';
import {
  DATA_TYPE_CODES,
  FORMAT_KIND_CODES,
  OPEN_TYPE_CODES,
  SENSITIVITY_CODES,
  SHARE_METHOD_CODES,
  SHARE_TYPE_CODES,
  UPDATE_CYCLE_CODES,
} from './enums';

const OneOf = <T extends string>(codes: readonly T[], description?: string) =>
  Type.Union(
    codes.map((c) => Type.Literal(c)),
    description ? { description } : {},
  ) as unknown as TSchema & { static: T };

/** One 信息项 as a department compiles it. Share/open attributes default to the entry's. */
export const DataItemInput = Obj({
  name: Type.String({ minLength: 1, maxLength: 100, description: '信息项名称' }),
  fieldName: Type.Optional(
    Nullable(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'column name used by the data resource center' }),
    ),
  ),
  dataType: OneOf(DATA_TYPE_CODES, '数据类型 C/N/Y/D/T/L/M/G/B/I/F'),
  length: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  sensitivity: Type.Optional(OneOf(SENSITIVITY_CODES)),
  maskRule: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  shareType: Type.Optional(OneOf(SHARE_TYPE_CODES)),
  openType: Type.Optional(OneOf(OPEN_TYPE_CODES)),
});
export type DataItemInput = Static<typeof DataItemInput>;

/** The editable fields of a catalog entry version; code, provider and dates are not input. */
export const EntryInput = Obj({
  classCode: Type.String({ minLength: 1, maxLength: 20, description: '信息资源分类 code (类/项/目/细目)' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  summary: Type.String({ minLength: 1, maxLength: 2000 }),
  providerOffice: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  formatKind: OneOf(FORMAT_KIND_CODES),
  formatType: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'pdf, ofd, xlsx, mysql, …' }))),
  shareType: Type.Optional(OneOf(SHARE_TYPE_CODES)),
  shareCondition: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: '共享条件 or 不予共享依据' }))),
  shareMethods: Type.Array(OneOf(SHARE_METHOD_CODES), { minItems: 1, uniqueItems: true }),
  openType: Type.Optional(OneOf(OPEN_TYPE_CODES)),
  openCondition: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  updateCycle: OneOf(UPDATE_CYCLE_CODES),
  openDomains: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { uniqueItems: true })),
  relatedCodes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { uniqueItems: true })),
  /** 涉密: accepted as input only to be refused with a clear message (Art 6). */
  isSecret: Type.Optional(Type.Boolean()),
  items: Type.Array(DataItemInput, { maxItems: 500 }),
});
export type EntryInput = Static<typeof EntryInput>;

/** A rule violation tied to a field ('shareCondition', 'items[2].dataType'), for forms and Excel rows. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
  messageZh: string;
}
