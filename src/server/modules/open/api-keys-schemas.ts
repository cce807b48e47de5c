import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Uuid } from '../../platform/http/schemas';

/** a public user's open API key as its owner sees it (never the key itself, after creation). */
export const ApiKey = Obj({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the key, to tell keys apart' }),
  status: enumOf(['active', 'revoked'] as const, 'active 有效 | revoked 已停用'),
  ratePerMinute: Type.Integer(),
  dailyQuota: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Calls answered today (Beijing date). */
  callsToday: Type.Integer(),
});
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyList = Obj({
  items: Type.Array(ApiKey),
  /** How many active keys an account may hold. */
  maxActive: Type.Integer(),
});
export type ApiKeyList = Static<typeof ApiKeyList>;

export const ApiKeyInput = Obj({
  name: Type.String({ minLength: 1, maxLength: 50, description: 'what the key is for, e.g. the application' }),
});
export type ApiKeyInput = Static<typeof ApiKeyInput>;

/** The answer to creating a key: the only time the key is shown. */
export const CreatedApiKey = Obj({
  key: Type.String({ description: 'the API key; shown once, only its hash is stored' }),
  item: ApiKey,
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const ApiKeyDay = Obj({
  day: Type.String({ format: 'date', description: 'Beijing date' }),
  calls: Type.Integer(),
  rows: Type.Integer(),
  refused: Type.Integer({ description: 'calls refused with 429 (rate limit or daily quota)' }),
});

export const ApiKeyStats = Obj({
  keyId: Uuid,
  /** Every day of the window, oldest first, zeros included. */
  days: Type.Array(ApiKeyDay),
  totals: Obj({ calls: Type.Integer(), rows: Type.Integer(), refused: Type.Integer() }),
});
export type ApiKeyStats = Static<typeof ApiKeyStats>;
