/** Wire shapes of the platform and org APIs, picked from the generated OpenAPI types (openapi.ts). */
import { everyOf, type Body, type Item, type QueryOf, type Res } from './openapi';

export type Me = Res<'/api/auth/me'>;
export type LoginResponse = Res<'/api/auth/login', 'post'>;
export type MfaStep = LoginResponse['mfa'];
export type MfaEnrolment = Res<'/api/auth/mfa/setup', 'post'>;
/** The {ok} answer of logout, password and settings changes. */
export type Ok = Res<'/api/auth/logout', 'post'>;

export type Region = Item<Res<'/api/regions'>>;
export type RegionLevel = Region['level'];

export type Department = Res<'/api/departments/{id}'>;
export type DepartmentKind = Department['kind'];
export type DepartmentStatus = Department['status'];
export const DEPARTMENT_KINDS = everyOf<DepartmentKind>()([
  'government',
  'institution',
  'social_organisation',
  'public_enterprise',
]);

export type User = Res<'/api/users/{id}'>;
export type UserStatus = User['status'];

/** `separated`: 三员分立 (platform_admin, security_admin, auditor) — one per account, nothing else beside it. */
export type RoleInfo = Item<Res<'/api/roles'>>;

export type Specialist = Item<Res<'/api/specialists'>['items']>;
export type SpecialistChange = Item<Res<'/api/specialists/{id}/history'>>;

export type AuditEvent = Item<Res<'/api/audit/events'>['items']>;
export type AuditCategory = Item<Res<'/api/audit/categories'>>;
/** The filter form's state: the events query without paging, each field as the inputs hold it. */
export type AuditFilter = {
  [K in Exclude<keyof QueryOf<'/api/audit/events'>, 'page' | 'pageSize'>]?: string;
};
export type AuditVerifyResult = Res<'/api/audit/verify', 'post'>;
export type UsageDigestItem = Item<Res<'/api/audit/department/digests'>['items']>;
export type UsageDigest = Res<'/api/audit/department/digests/{id}'>;
export type UsageLine = Item<UsageDigest['digest']['asProvider']>;
export type DigestWebhook = Res<'/api/audit/department/webhook'>;
export type Retention = Res<'/api/audit/retention'>;

export type CalendarYear = Res<'/api/calendar/years/{year}'>;
export type CalendarDay = Item<CalendarYear['days']>;
export type CalendarSource = CalendarDay['source'];
export type CalendarStatus = Res<'/api/calendar/status'>;
export type CalendarImport = Body<'/api/calendar/import', 'post'>;
export type CalendarImportResult = Res<'/api/calendar/import', 'post'>;
export type WorkingDays = Res<'/api/calendar/working-days'>;
/** /api/calendar/status declares its warnings as unknown[]; /api/health sends the same ones typed. */
export type CalendarWarning = Item<Res<'/api/health'>['warnings']>;

export type InboxItem = Item<Res<'/api/inbox'>['items']>;
export type UnreadCount = Res<'/api/inbox/unread-count'>;
export type ReadResult = Res<'/api/inbox/read', 'post'>;
