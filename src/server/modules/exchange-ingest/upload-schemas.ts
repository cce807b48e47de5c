import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj } from '../../platform/http/schemas';

/** What a table upload answers when every row passed and was written. */
export const UploadResult = Obj({
  mode: Type.Union([Type.Literal('upsert'), Type.Literal('replace')]),
  fileName: Type.String(),
  keyFields: Type.Array(Type.String(), { description: 'The columns that identify a row / 主键字段' }),
  columns: Type.Array(Type.String(), { description: 'Columns filled from the file / 文件中对应到信息项的字段' }),
  ignoredHeaders: Type.Array(Type.String(), {
    description: 'Header cells that name no data item (not loaded) / 未对应到信息项的表头',
  }),
  rowsRead: Type.Integer(),
  rowsWritten: Type.Integer(),
  rowsDeleted: Type.Integer({ description: 'replace mode: rows that were not in the file / 覆盖模式下删除的行数' }),
  rowsInTable: Type.Integer(),
  quality: Nullable(Obj({ completeness: Type.Number(), accuracy: Nullable(Type.Number()) })),
});
export type UploadResult = Static<typeof UploadResult>;

/** details of a 400 EXCHANGE_UPLOAD_INVALID: nothing was written. */
export const UploadReport = Obj({
  problems: Type.Array(
    Obj({
      row: Type.Integer({ description: '1-based row in the file, header included' }),
      field: Nullable(Type.String()),
      value: Nullable(Type.String()),
      message: Type.String(),
      messageZh: Type.String(),
    }),
  ),
  problemCount: Type.Integer(),
  rowsRead: Type.Integer(),
  rowsWithProblems: Type.Integer(),
  truncated: Type.Boolean({
    description: 'More problems than listed (the first 1000 are) / 问题超过 1000 条，仅列出前 1000 条',
  }),
  keyFields: Type.Array(Type.String()),
  ignoredHeaders: Type.Array(Type.String()),
});
export type UploadReport = Static<typeof UploadReport>;
