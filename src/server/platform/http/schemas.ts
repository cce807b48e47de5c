import { Type, type TSchema } from '@sinclair/typebox';
import { Nullable, Obj } from '../../../shared/typebox';

export { Nullable, Obj };

export const Uuid = Type.String({ format: 'uuid' });
/** A string enumeration with its values listed in OpenAPI (and the meaning of each in the description). */
export const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const ErrorSchema = Obj({
  error: Obj({
    code: Type.String(),
    message: Type.String(),
    messageZh: Type.Optional(Type.String()),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
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
