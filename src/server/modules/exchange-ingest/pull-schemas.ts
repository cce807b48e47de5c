import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, Uuid } from '../../platform/http/schemas';

export const BindingInput = Obj({
  sourceId: Uuid,
  table: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'schema.name (a name alone: the default schema / the MySQL database)',
  }),
  keyColumns: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    minItems: 1,
    maxItems: 4,
    description: 'unique key of the source rows',
  }),
  watermarkColumn: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'not null, only increasing (updated_at, id): incremental pulls',
      }),
    ),
  ),
  columnMap: Type.Optional(
    Type.Array(Obj({ column: Type.String(), sourceColumn: Type.String() }), {
      description: 'managed column (data item) ← source column; suggested when omitted',
    }),
  ),
  scheduled: Type.Optional(Type.Boolean({ description: 'pull by the entry’s update cycle' })),
});
export type BindingInput = Static<typeof BindingInput>;

export const Binding = Obj({
  id: Uuid,
  entryId: Uuid,
  sourceId: Uuid,
  table: Type.String(),
  keyColumns: Type.Array(Type.String()),
  watermarkColumn: Nullable(Type.String()),
  columnMap: Type.Array(Obj({ column: Type.String(), sourceColumn: Type.String() })),
  scheduled: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Binding = Static<typeof Binding>;

export const Run = Obj({
  id: Type.String(),
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  sourceRows: Nullable(Type.Integer()),
  rowsRead: Type.Integer(),
  rowsWritten: Type.Integer(),
  rowsDeleted: Type.Integer(),
  reconciliation: Nullable(Obj({ sourceRows: Type.Integer(), centerRows: Type.Integer(), match: Type.Boolean() })),
  error: Nullable(Type.String()),
});
export type Run = Static<typeof Run>;

const Ratio = Type.Number({ minimum: 0, maximum: 1 });
const Snapshot = Obj({
  at: Type.String({ format: 'date-time' }),
  rows: Type.Integer(),
  completeness: Ratio,
  accuracy: Nullable(Ratio),
  availability: Ratio,
  columns: Type.Array(
    Obj({
      column: Type.String(),
      name: Type.String(),
      filled: Type.Integer(),
      checked: Type.Integer(),
      invalid: Type.Integer(),
      rule: Nullable(Type.String({ description: 'id_number | credit_code | mobile | email' })),
    }),
  ),
});
export const Quality = Obj({
  latest: Nullable(Snapshot),
  timely: Nullable(
    Type.Boolean({ description: 'last load within 1.5 update cycles; null when irregular or never loaded' }),
  ),
  lastLoadAt: Nullable(Type.String({ format: 'date-time' })),
  history: Type.Array(Snapshot),
  /** 服务接口: the share of the gateway's probes the service answered over the last week, and per day. */
  service: Nullable(
    Obj({
      days: Type.Integer(),
      checks: Type.Integer(),
      up: Type.Integer(),
      ratio: Nullable(Ratio),
      daily: Type.Array(Obj({ day: Type.String(), checks: Type.Integer(), up: Type.Integer(), ratio: Ratio })),
    }),
  ),
});

export const Library = Obj({
  code: Type.String(),
  name: Type.String(),
  entries: Type.Array(
    Obj({
      entryId: Uuid,
      code: Type.String(),
      name: Type.String(),
      providerName: Type.String(),
      shareType: Type.String(),
      updateCycle: Type.String(),
      rows: Nullable(Type.Integer({ description: 'rows in the data resource center at the last measurement' })),
      lastLoadAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
});
