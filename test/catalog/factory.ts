import type { TestApp } from '../helpers/app';
import type { Role } from '../../src/server/platform/rbac/roles';
import type { DataItemInput, EntryInput } from '../../src/shared/catalog/schemas';
import type { EntryDetail, EntryVersion } from '../../src/server/modules/catalog/entries-schemas';

/**
 * Catalog test factory: departments with their catalog roles signed in, valid entry input, and
 * entries taken through the real HTTP lifecycle (create → submit → department → platform review).
 * Every call creates its own rows, so tests never depend on each other's data.
 */

export interface Session {
  id: string;
  username: string;
  departmentId: string | null;
  headers: { cookie: string };
}

/** A department with a data specialist, a reviewer (dept_leader) and an ordinary user, all signed in. */
export interface CatalogDepartment {
  id: string;
  name: string;
  specialist: Session;
  leader: Session;
  user: Session;
}

type Res = Awaited<ReturnType<TestApp['inject']>>;

/** The response when its status is the expected one; otherwise a failure that shows the body. */
export function expectStatus(res: Res, status: number): Res {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res;
}

export async function session(
  t: TestApp,
  roles: Role[],
  opts: { departmentId?: string | null } = {},
): Promise<Session> {
  const u = await t.user(roles, opts);
  const { cookie } = await t.login(u.username);
  return { ...u, headers: { cookie } };
}

export async function catalogDepartment(
  t: TestApp,
  opts: { name?: string; regionCode?: string } = {},
): Promise<CatalogDepartment> {
  const d = await t.department(opts);
  const [specialist, leader, user] = await Promise.all([
    session(t, ['dept_specialist'], { departmentId: d.id }),
    session(t, ['dept_leader'], { departmentId: d.id }),
    session(t, ['dept_user'], { departmentId: d.id }),
  ]);
  return { id: d.id, name: d.name, specialist, leader, user };
}

/**
 * Signs the given sessions (and the cached platform admin) in again: moving the test clock past the
 * session lifetime logs everyone out. Session objects are shared, so callers keep using theirs.
 */
export async function signInAgain(t: TestApp, ...sessions: Session[]): Promise<void> {
  const admin = admins.get(t);
  const all = new Set([...sessions, ...(admin ? [await admin] : [])]);
  for (const s of all) s.headers.cookie = (await t.login(s.username)).cookie;
}

/** Every session of a department, for signInAgain. */
export const sessionsOf = (...depts: CatalogDepartment[]) => depts.flatMap((d) => [d.specialist, d.leader, d.user]);

const admins = new WeakMap<TestApp, Promise<Session>>();
/** One signed-in platform administrator per test app. */
export function platformAdmin(t: TestApp): Promise<Session> {
  let s = admins.get(t);
  if (!s) admins.set(t, (s = session(t, ['platform_admin'])));
  return s;
}

let n = 0;
export function item(over: Partial<DataItemInput> = {}): DataItemInput {
  n++;
  return { name: `信息项${n}`, fieldName: `field_${n}`, dataType: 'C', length: 50, description: null, ...over };
}

export const BASIS = '依据《上饶市政务信息资源共享管理办法》第十一条及相关法律法规';

/**
 * Valid compile input (class 101 人口, shared unconditionally as a table). Conditional or closed
 * sharing gets a basis, open entries a domain, unless the caller sets them.
 */
export function entryInput(over: Partial<EntryInput> = {}): EntryInput {
  n++;
  const shareType = over.shareType ?? 'unconditional';
  const openType = over.openType ?? 'none';
  return {
    classCode: '101',
    name: `测试信息资源${n}`,
    summary: '用于测试的信息资源摘要',
    formatKind: 'database',
    formatType: 'postgresql',
    shareMethods: ['table'],
    updateCycle: 'daily',
    items: [
      item({ name: '统一社会信用代码', fieldName: 'credit_code', length: 18 }),
      item({ name: '登记日期', fieldName: 'registered_on', dataType: 'D', length: null }),
    ],
    ...over,
    shareType,
    openType,
    shareCondition:
      over.shareCondition !== undefined ? over.shareCondition : shareType === 'unconditional' ? null : BASIS,
    openCondition:
      over.openCondition !== undefined
        ? over.openCondition
        : openType === 'conditional'
          ? '经申请并签署数据使用协议后开放'
          : null,
    openDomains: over.openDomains ?? (openType === 'none' ? [] : ['economy']),
  };
}

export type EntryOptions = Partial<EntryInput> & { provider?: CatalogDepartment };

/** A draft created by the provider's specialist; returns the entry (with `pending`) and the draft version. */
export async function draftEntry(t: TestApp, opts: EntryOptions = {}) {
  const { provider: given, ...over } = opts;
  const provider = given ?? (await catalogDepartment(t));
  const res = expectStatus(
    await t.inject({
      method: 'POST',
      url: '/api/catalog/entries',
      headers: provider.specialist.headers,
      payload: entryInput(over),
    }),
    201,
  );
  const entry = res.json<EntryDetail>();
  return { entry, version: entry.pending!, provider };
}

/** Takes a draft or returned version through submit, department approval and platform approval. */
export async function approveVersion(
  t: TestApp,
  versionId: string,
  provider: CatalogDepartment,
  opts: { submit?: boolean } = {},
): Promise<EntryVersion> {
  const admin = await platformAdmin(t);
  if (opts.submit !== false)
    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/catalog/versions/${versionId}/submit`,
        headers: provider.specialist.headers,
      }),
      200,
    );
  expectStatus(
    await t.inject({
      method: 'POST',
      url: `/api/catalog/versions/${versionId}/dept-review`,
      headers: provider.leader.headers,
      payload: { decision: 'approve' },
    }),
    200,
  );
  const res = expectStatus(
    await t.inject({
      method: 'POST',
      url: `/api/catalog/versions/${versionId}/platform-review`,
      headers: admin.headers,
      payload: { decision: 'approve' },
    }),
    200,
  );
  return res.json<EntryVersion>();
}

/** A published entry, created and approved through the real API. */
export async function publishedEntry(t: TestApp, opts: EntryOptions = {}) {
  const { entry, version, provider } = await draftEntry(t, opts);
  await approveVersion(t, version.id, provider);
  const published = expectStatus(
    await t.inject({ method: 'GET', url: `/api/catalog/entries/${entry.id}`, headers: provider.specialist.headers }),
    200,
  ).json<EntryDetail>();
  return { entry: published, version: published.current!, provider };
}
