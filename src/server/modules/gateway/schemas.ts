import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Uuid } from '../../platform/http/schemas';

/** R-23 service gateway: what the provider registers and what consumers get. */

const Instant = Type.String({ format: 'date-time' });

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const FieldMapping = Obj({
  path: Type.String({ minLength: 1, maxLength: 500, description: 'JSONPath (JSON) or XPath (XML) of the value' }),
  field: Type.String({ minLength: 1, maxLength: 100, description: "the data item's field name (字段名)" }),
});

export const Operation = Obj({
  id: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,99}$', description: 'operationId' }),
  method: enumOf(HTTP_METHODS),
  path: Type.String({
    pattern: '^/[A-Za-z0-9_.~%/{}-]*$',
    maxLength: 300,
    description: 'path below the base URL; {name} for a path parameter',
  }),
  summary: Type.String({ maxLength: 200 }),
  responseFormat: enumOf(['json', 'xml'] as const),
  soapAction: Type.Optional(Type.String({ maxLength: 300 })),
  namespaces: Type.Optional(
    Type.Record(Type.String({ pattern: '^[A-Za-z_][\\w.-]*$' }), Type.String({ maxLength: 300 }), {
      description: 'XML: prefixes the XPaths use',
    }),
  ),
  fields: Type.Array(FieldMapping, {
    maxItems: 500,
    description: 'response fields mapped to data items; empty: the response carries no data item',
  }),
});
export type Operation = Static<typeof Operation>;

const Auth = Type.Union([
  Obj({ kind: Type.Literal('none') }),
  Obj({
    kind: Type.Literal('header'),
    name: Type.String({ pattern: '^[A-Za-z0-9-]{1,100}$' }),
    /** Omitted on a change: keep the stored value. */
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  }),
  Obj({
    kind: Type.Literal('token'),
    url: Type.String({ format: 'uri', maxLength: 1000 }),
    clientId: Type.String({ minLength: 1, maxLength: 200 }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
    scope: Type.Optional(Type.String({ maxLength: 500 })),
  }),
]);

export const UpstreamInput = Obj({
  baseUrl: Type.String({ format: 'uri', maxLength: 1000 }),
  specKind: enumOf(['openapi', 'wsdl'] as const),
  spec: Type.Optional(Type.String({ maxLength: 2_000_000, description: 'the OpenAPI 3 (JSON or YAML) or WSDL text' })),
  operations: Type.Array(Operation, { minItems: 1, maxItems: 200 }),
  auth: Auth,
  healthPath: Type.Optional(
    Nullable(
      Type.String({
        pattern: '^/[A-Za-z0-9_.~%/?=&-]*$',
        maxLength: 300,
        description: 'probed every minute; null: the base URL',
      }),
    ),
  ),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
  maxRequestBytes: Type.Integer({ minimum: 1, maximum: 100 * 1024 * 1024 }),
  maxResponseBytes: Type.Integer({ minimum: 1, maximum: 100 * 1024 * 1024 }),
  callsPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'default per grant' }),
  dailyCallQuota: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'default per grant' }),
});
export type UpstreamInput = Static<typeof UpstreamInput>;

export const PendingChange = Obj({
  entryId: Uuid,
  revision: Type.Integer(),
  operations: Type.Array(Type.String()),
  /** The operations it takes away from the departments holding grants. */
  removed: Type.Array(Type.String()),
  savedAt: Instant,
  savedBy: Nullable(Type.String()),
});
export type PendingChange = Static<typeof PendingChange>;

export const Upstream = Obj({
  entryId: Uuid,
  entryCode: Type.String(),
  baseUrl: Type.String(),
  specKind: Type.String(),
  hasSpec: Type.Boolean(),
  operations: Type.Array(Operation),
  /** Taken away while grants were held: still answered until retireAt. */
  retiring: Type.Array(Obj({ id: Type.String(), method: Type.String(), path: Type.String(), retireAt: Instant })),
  auth: Obj({
    kind: Type.String(),
    name: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
    clientId: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    secretSet: Type.Boolean(),
  }),
  healthPath: Nullable(Type.String()),
  timeoutMs: Type.Integer(),
  maxRequestBytes: Type.Integer(),
  maxResponseBytes: Type.Integer(),
  callsPerMinute: Type.Integer(),
  dailyCallQuota: Type.Integer(),
  revision: Type.Integer(),
  updatedAt: Instant,
  /** A saved change that takes operations from grant holders, waiting for platform review. */
  pendingChange: Nullable(PendingChange),
});
export type Upstream = Static<typeof Upstream>;

export const PendingChangeListItem = Type.Intersect([
  PendingChange,
  Obj({ entryName: Type.String(), entryCode: Type.String(), providerDepartmentName: Type.String() }),
]);

export const ChangeReviewInput = Obj({
  approve: Type.Boolean(),
  /** Required to reject: why, for the provider. */
  note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
});

export const Revision = Obj({
  revision: Type.Integer(),
  status: enumOf(['applied', 'pending', 'rejected', 'withdrawn'] as const),
  baseUrl: Type.String(),
  operations: Type.Array(Type.String()),
  removed: Type.Array(Type.String()),
  savedAt: Instant,
  savedBy: Nullable(Type.String()),
  /** The catalog entry's published version when the revision was saved. */
  entryVersionNo: Nullable(Type.Integer()),
  reviewedAt: Nullable(Instant),
  reviewedBy: Nullable(Type.String()),
  reviewNote: Nullable(Type.String()),
});

export const DescribeInput = Obj({
  specKind: enumOf(['openapi', 'wsdl'] as const),
  spec: Type.Optional(Type.String({ maxLength: 2_000_000 })),
  /** Fetch the description from this URL instead (the upstream's own /openapi.json or ?wsdl). */
  url: Type.Optional(Type.String({ format: 'uri', maxLength: 1000 })),
});
export const Described = Obj({ operations: Type.Array(Operation), spec: Type.String() });

export const SystemInput = Obj({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  /** The platform registers for a department; a department's staff for their own. */
  departmentId: Type.Optional(Uuid),
});
export type SystemInput = Static<typeof SystemInput>;

export const ConsumingSystem = Obj({
  id: Uuid,
  departmentId: Uuid,
  departmentName: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  appKey: Type.String(),
  status: Type.String(),
  createdAt: Instant,
  rotatedAt: Nullable(Instant),
  previousSecretUntil: Nullable(Instant),
  disabledAt: Nullable(Instant),
  lastUsedAt: Nullable(Instant),
});
export type ConsumingSystem = Static<typeof ConsumingSystem>;

/** The secret is in this answer only: it is never shown again. */
export const SystemWithSecret = Obj({ system: ConsumingSystem, appSecret: Type.String() });

export const RotateInput = Obj({
  /** How long the previous secret keeps working, so callers can switch without an outage. */
  graceMinutes: Type.Integer({ minimum: 0, maximum: 7 * 24 * 60 }),
});

export const TokenInput = Obj({ appKey: Type.String({ maxLength: 100 }), appSecret: Type.String({ maxLength: 200 }) });
export const TokenAnswer = Obj({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds' }),
});

const Ms = Nullable(Type.Number({ description: 'upper bound of the latency bucket, ms' }));
export const ServiceStats = Obj({
  days: Type.Integer(),
  availability: Obj({
    checks: Type.Integer(),
    up: Type.Integer(),
    ratio: Nullable(Type.Number()),
    lastCheck: Nullable(
      Obj({
        at: Instant,
        ok: Type.Boolean(),
        status: Nullable(Type.Integer()),
        latencyMs: Type.Integer(),
        error: Nullable(Type.String()),
      }),
    ),
  }),
  operations: Type.Array(
    Obj({
      id: Type.String(),
      calls: Type.Integer(),
      failures: Type.Integer(),
      refusals: Type.Integer(),
      errorRate: Nullable(Type.Number()),
      p50Ms: Ms,
      p95Ms: Ms,
    }),
  ),
  hourly: Type.Array(Obj({ hour: Instant, calls: Type.Integer(), failures: Type.Integer(), p95Ms: Ms })),
  grants: Type.Array(
    Obj({ grantNo: Type.String(), consumer: Type.String(), calls: Type.Integer(), refused: Type.Integer() }),
  ),
});
