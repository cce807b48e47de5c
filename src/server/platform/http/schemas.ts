import { Type, type TProperties, type TSchema, type ObjectOptions } from '@sinclair/typebox';

/** Objects reject unknown fields everywhere (400 with the field named), so a typo never passes silently. */
export const Obj = <T extends TProperties>(props: T, opts: ObjectOptions = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Uuid = Type.String({ format: 'uuid' });
/** A string enumeration with its values listed in OpenAPI (and the meaning of each in the description). */
export const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorSchema = Obj({
  error: Obj({
    code: Type.String(),
    message: Type.String(),
    messageZh: Type.Optional(Type.String()),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

export const Paged = <T extends TSchema>(item: T) =>
  Obj({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

export function pageBounds(q: { page?: number; pageSize?: number }) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

export const IdParams = Obj({ id: Uuid });
export const Ok = Obj({ ok: Type.Boolean() });
