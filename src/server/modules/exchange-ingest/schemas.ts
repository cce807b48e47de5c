import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, Uuid, enumOf } from '../../platform/http/schemas';
import { SOURCE_KINDS } from './connectors';

export const SourceKind = enumOf(SOURCE_KINDS, 'postgresql PostgreSQL | mysql MySQL/MariaDB');

const Host = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/@]+$', description: '主机名或 IP' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Ident = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const Options = Obj({ ssl: Type.Optional(Type.Boolean({ description: '使用 TLS 连接' })) });

export const SourceInput = Obj({
  name: Type.String({ minLength: 1, maxLength: 100, description: '数据源名称（部门内唯一）' }),
  kind: SourceKind,
  host: Host,
  port: Type.Optional(Port),
  database: Ident(128, '数据库名'),
  username: Ident(128, '用户名（建议只读账号）'),
  password: Type.String({ maxLength: 512, description: '口令：SM4 加密保存，任何接口都不返回' }),
  options: Type.Optional(Options),
  departmentId: Type.Optional(
    Type.String({ format: 'uuid', description: '所属部门：平台管理员登记时必填；数据专员只能是本部门' }),
  ),
});
export type SourceInput = Static<typeof SourceInput>;

export const SourcePatch = Obj({
  name: Type.Optional(SourceInput.properties.name),
  kind: Type.Optional(SourceKind),
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  database: Type.Optional(Ident(128, '数据库名')),
  username: Type.Optional(Ident(128, '用户名')),
  password: Type.Optional(Type.String({ maxLength: 512, description: '不填则保留原口令' })),
  options: Type.Optional(Options),
});
export type SourcePatch = Static<typeof SourcePatch>;

export const Source = Obj({
  id: Uuid,
  departmentId: Uuid,
  departmentName: Type.String(),
  name: Type.String(),
  kind: SourceKind,
  host: Type.String(),
  port: Type.Integer(),
  database: Type.String(),
  username: Type.String(),
  options: Options,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  lastTest: Nullable(
    Obj({ at: Type.String({ format: 'date-time' }), ok: Type.Boolean(), message: Nullable(Type.String()) }),
  ),
});
export type Source = Static<typeof Source>;

export const TestResultSchema = Obj({
  ok: Type.Boolean(),
  serverVersion: Nullable(Type.String()),
  message: Type.String(),
  messageZh: Type.String(),
  code: Nullable(Type.String()),
});

export const SourceTableSchema = Obj({
  schema: Type.String(),
  name: Type.String(),
  kind: enumOf(['table', 'view'] as const),
  rowEstimate: Nullable(Type.Integer()),
});

export const SourceColumnSchema = Obj({
  name: Type.String(),
  dataType: Type.String(),
  nullable: Type.Boolean(),
  isKey: Type.Boolean(),
  comment: Nullable(Type.String()),
});
