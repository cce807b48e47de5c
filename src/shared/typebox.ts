import { Type, type ObjectOptions, type TProperties, type TSchema } from '@sinclair/typebox';

/** Objects reject unknown fields everywhere (400 with the field named), so a typo never passes silently. */
export const Obj = <T extends TProperties>(props: T, opts: ObjectOptions = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
