import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, Uuid } from '../../platform/http/schemas';

/** A table name in the consumer's database: `name` or `schema.name`, plain identifiers only. */
export const TARGET_TABLE_PATTERN = '^([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,39}$';

export const PushInput = Obj({
  targetId: Uuid,
  table: Type.String({
    pattern: TARGET_TABLE_PATTERN,
    description: 'table in the target database (created by the push): name or schema.name, lower case',
  }),
  scheduled: Type.Optional(Type.Boolean({ description: 'push again after every load of the center (default true)' })),
});
export type PushInput = Static<typeof PushInput>;

export const PushRun = Obj({
  id: Type.String(),
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  sourceRows: Nullable(Type.Integer({ description: 'rows in the center when a full push started' })),
  rowsWritten: Type.Integer(),
  reconciliation: Nullable(Obj({ centerRows: Type.Integer(), targetRows: Type.Integer(), match: Type.Boolean() })),
  error: Nullable(Type.String()),
});
export type PushRun = Static<typeof PushRun>;

export const Push = Obj({
  id: Uuid,
  grantId: Uuid,
  grantNo: Type.String(),
  grantActive: Type.Boolean(),
  entryId: Uuid,
  targetId: Uuid,
  targetName: Type.String(),
  targetKind: Type.String(),
  table: Type.String(),
  scheduled: Type.Boolean(),
  /** Only the consumer department configures and runs its deliveries; the provider watches them. */
  canManage: Type.Boolean(),
  runs: Type.Array(PushRun),
});
export type Push = Static<typeof Push>;
