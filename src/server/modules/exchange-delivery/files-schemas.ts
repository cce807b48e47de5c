import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, Uuid } from '../../platform/http/schemas';

/** One version of an entry's resource file. */
export const ResourceFile = Obj({
  id: Uuid,
  entryId: Uuid,
  versionNo: Type.Integer({ description: '文件版本号，按目录从 1 递增' }),
  fileName: Type.String(),
  mime: Type.String({ description: 'Type read from the content / 按内容识别的类型' }),
  size: Type.Integer(),
  sha256: Type.String(),
  sm3: Type.String(),
  note: Nullable(Type.String()),
  uploadedBy: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
  withdrawnAt: Nullable(Type.String({ format: 'date-time' })),
  withdrawnBy: Nullable(Type.String()),
  withdrawReason: Nullable(Type.String()),
});
export type ResourceFile = Static<typeof ResourceFile>;

export const WithdrawInput = Obj({ reason: Type.String({ minLength: 1, maxLength: 500, description: '撤回理由' }) });
