/** Wire shapes the console reads; they mirror the server's TypeBox schemas (src/server/**). */

export interface Me {
  id: string;
  username: string;
  realName: string;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  permissions: string[];
  mfaPassed: boolean;
}

export type MfaStep = 'none' | 'verify' | 'enrol';

export interface LoginResponse {
  mfa: MfaStep;
  expiresAt: string;
  user: Me;
}

export interface MfaEnrolment {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

export interface Ok {
  ok: boolean;
}

export type RegionLevel = 'province' | 'city' | 'county' | 'zone';
export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  sort?: number;
}

export const DEPARTMENT_KINDS = ['government', 'institution', 'social_organisation', 'public_enterprise'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];
export type DepartmentStatus = 'active' | 'inactive';

export interface Department {
  id: string;
  creditCode: string;
  name: string;
  shortName: string | null;
  kind: DepartmentKind;
  regionCode: string;
  regionName?: string;
  parentId: string | null;
  parentName?: string | null;
  status: DepartmentStatus;
  createdAt?: string;
  updatedAt?: string;
}

export type UserStatus = 'active' | 'disabled';
export interface User {
  id: string;
  username: string;
  realName: string;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  email: string | null;
  phone: string | null;
  status: UserStatus;
  lockedUntil?: string | null;
  locked?: boolean;
  mfaEnabled?: boolean;
  lastLoginAt?: string | null;
  createdAt?: string;
}

export interface RoleInfo {
  code: string;
  zh: string;
  en: string;
  /** 三员分立: platform_admin, security_admin, auditor — one per account, nothing else beside it. */
  separated?: boolean;
  needsDepartment?: boolean;
}

export interface Specialist {
  id: string;
  departmentId: string;
  departmentName: string;
  userId: string | null;
  name: string;
  title: string | null;
  phone: string | null;
  mobile: string;
  email: string | null;
  activeFrom: string;
  activeTo: string | null;
  active: boolean;
}

export interface SpecialistChange {
  id: string;
  specialistId: string;
  action: 'create' | 'update' | 'retire';
  changedAt: string;
  changedBy: string | null;
  changedByName: string | null;
  before: unknown;
  after: unknown;
}

export type AuditOutcome = 'success' | 'denied' | 'failed';
export interface AuditEvent {
  seq: string;
  at: string;
  userId: string | null;
  username: string | null;
  realName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  category: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  rowCount: number | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome | string;
  statusCode: number | null;
  detail: unknown;
}

export interface AuditCategory {
  code: string;
  zh: string;
  en: string;
}

export interface AuditFilter {
  [key: string]: string | undefined;
  from?: string;
  to?: string;
  category?: string;
  outcome?: string;
  q?: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  headSeq: string;
  problems: Array<{ seq: string; kind: string; message: string }>;
}

export interface Retention {
  months: number;
  minimum: number;
}

export type CalendarSource = 'builtin' | 'import' | 'manual' | 'weekday_rule';
export interface CalendarDay {
  date: string;
  isOffDay: boolean;
  name: string | null;
  source: CalendarSource;
}
export interface CalendarYear {
  year: number;
  source: string;
  days: CalendarDay[];
}
export interface CalendarWarning {
  code: string;
  message: string;
  messageZh: string;
}
export interface CalendarStatus {
  neededYears: number[];
  missingYears: number[];
  warnings: unknown[];
}

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}
