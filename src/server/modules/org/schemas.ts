import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj } from '../../platform/http/schemas';
import { ROLES } from '../../platform/rbac/roles';

/** Wire shapes of the org module (camelCase); services return objects of exactly these types. */

export const REGION_LEVELS = ['province', 'city', 'county', 'zone'] as const;
export const DEPARTMENT_KINDS = ['government', 'institution', 'social_organisation', 'public_enterprise'] as const;

export const RegionLevel = enumOf(REGION_LEVELS, 'province 省 | city 市 | county 县级 | zone 功能区');
export const RegionCode = Type.String({
  pattern: '^\\d{6}$',
  description: '6-digit GB/T 2260 code (zones: platform code)',
});
export const DepartmentKind = enumOf(
  DEPARTMENT_KINDS,
  'government 政府部门 | institution 事业单位 | social_organisation 社会组织 | public_enterprise 公共服务企业',
);
export const RoleName = enumOf(ROLES);
export const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time' });

export const Region = Obj({
  code: Type.String(),
  name: Type.String(),
  level: RegionLevel,
  parentCode: Nullable(Type.String()),
  sort: Type.Integer(),
});
export type Region = Static<typeof Region>;

export const Department = Obj({
  id: Type.String(),
  creditCode: Type.String(),
  name: Type.String(),
  shortName: Nullable(Type.String()),
  kind: DepartmentKind,
  regionCode: Type.String(),
  regionName: Type.String(),
  parentId: Nullable(Type.String()),
  parentName: Nullable(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Department = Static<typeof Department>;

export const User = Obj({
  id: Type.String(),
  username: Type.String(),
  realName: Type.String(),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('pending')]),
  lockedUntil: Nullable(Instant),
  /** lockedUntil is still in the future. */
  locked: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  lastLoginAt: Nullable(Instant),
  passwordChangedAt: Instant,
  createdAt: Instant,
  updatedAt: Instant,
});
export type User = Static<typeof User>;

export const Specialist = Obj({
  id: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  userId: Nullable(Type.String()),
  name: Type.String(),
  title: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  mobile: Type.String(),
  email: Nullable(Type.String()),
  activeFrom: Type.String(),
  activeTo: Nullable(Type.String()),
  /** Not retired as of today (Shanghai date). */
  active: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Specialist = Static<typeof Specialist>;

export const SpecialistChange = Obj({
  id: Type.String(),
  specialistId: Type.String(),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('retire')]),
  changedAt: Instant,
  changedBy: Nullable(Type.String()),
  changedByName: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export type SpecialistChange = Static<typeof SpecialistChange>;

export const Email = Type.String({ format: 'email', maxLength: 254 });
/** Landlines (0793-8888888), extensions and mobiles alike. */
export const Phone = Type.String({ pattern: '^[0-9+][0-9 ()+-]{4,24}$', maxLength: 25 });
/** Mainland mobile numbers: 11 digits starting 1[3-9]. */
export const Mobile = Type.String({ pattern: '^1[3-9]\\d{9}$', description: '11-digit mainland mobile number' });
