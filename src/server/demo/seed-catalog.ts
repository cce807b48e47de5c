import type { AppContext } from '../app-context';
import type { Role } from '../platform/rbac/roles';
import { listUsers } from '../modules/org';
import { inbox, markRead } from '../platform/notify/service';
import {
  ensureDepartmentItem,
  createEntry,
  deptReview,
  platformReview,
  submitVersion,
  type CatalogActor,
} from '../modules/catalog';
import { DEMO_CATALOG, OWN_CLASS, type DemoEntry } from './catalog-data';

/**
 * Seeds the demo catalog through the real lifecycle (create draft → submit → department approval →
 * platform approval), so every entry obeys the compile rules and has its code, versions, reviews,
 * search document and notifications exactly as if people had clicked through it.
 *
 * Who acts: a department's own demo specialist / reviewer where it has one. Most demo departments
 * have no accounts; for them the platform administrator's account acts in the department's role
 * (a CatalogActor with that department and role), the way an operator loads a city's initial
 * catalog on the departments' behalf. Its user id is real, as created_by and catalog_review.actor_id
 * require. No extra accounts are created: the demo's account list stays what the login page shows.
 */
export async function seedDemoCatalog(
  ctx: AppContext,
  departmentIds: ReadonlyMap<string, string>,
): Promise<{ entries: number; published: number }> {
  const found = await firstUser(ctx, { role: 'platform_admin' });
  if (!found) throw new Error('demo catalog: the platform administrator account must be seeded first');
  const adminId: string = found;
  const admin: CatalogActor = { userId: adminId, departmentId: null, roles: ['platform_admin'] };

  const actors = new Map<string, CatalogActor>();
  async function actorFor(
    departmentId: string,
    role: Extract<Role, 'dept_specialist' | 'dept_leader'>,
  ): Promise<CatalogActor> {
    const key = `${departmentId}/${role}`;
    let actor = actors.get(key);
    if (!actor) {
      const own = await firstUser(ctx, { departmentId, role });
      actor = { userId: own ?? adminId, departmentId, roles: [role] };
      actors.set(key, actor);
    }
    return actor;
  }

  let published = 0;
  const waiting = new Map<string, DemoEntry['state']>();
  for (const demo of DEMO_CATALOG) {
    const departmentId = departmentIds.get(demo.department);
    if (!departmentId) throw new Error(`demo catalog: no department ${demo.department}`);
    const classCode =
      demo.input.classCode === OWN_CLASS ? (await ensureDepartmentItem(ctx, departmentId)).code : demo.input.classCode;
    const versionId = await advance(
      ctx,
      demo,
      { ...demo.input, classCode },
      await actorFor(departmentId, 'dept_specialist'),
      await actorFor(departmentId, 'dept_leader'),
      admin,
    );
    if (demo.state === 'published') published++;
    else waiting.set(versionId, demo.state);
  }
  await settleInboxes(ctx, waiting);
  return { entries: DEMO_CATALOG.length, published };
}

/** Takes one entry as far as its demo state; returns its version id. */
async function advance(
  ctx: AppContext,
  demo: DemoEntry,
  input: DemoEntry['input'],
  specialist: CatalogActor,
  leader: CatalogActor,
  admin: CatalogActor,
): Promise<string> {
  const detail = await createEntry(ctx, specialist, input);
  const versionId = detail.pending?.id;
  if (!versionId) throw new Error(`demo catalog: ${input.name} has no draft version`);
  if (demo.state === 'draft') return versionId;
  await submitVersion(ctx, specialist, versionId);
  if (demo.state === 'dept_review') return versionId;
  await deptReview(ctx, leader, versionId, { decision: 'approve' });
  if (demo.state === 'platform_review') return versionId;
  const decision =
    demo.state === 'rejected'
      ? { decision: 'reject' as const, reason: demo.rejection ?? '请补充完善后重新提交。' }
      : { decision: 'approve' as const };
  await platformReview(ctx, admin, versionId, decision);
  return versionId;
}

/** Whether a lifecycle notice still asks its reader for something, given where the seed left the version. */
function stillOpen(kind: string, payload: unknown, waiting: ReadonlyMap<string, DemoEntry['state']>): boolean {
  const p = (payload ?? {}) as { versionId?: string; step?: string };
  const state = p.versionId ? waiting.get(p.versionId) : undefined;
  if (kind === 'catalog.review.requested')
    return (state === 'dept_review' && p.step === 'dept') || (state === 'platform_review' && p.step === 'platform');
  return kind === 'catalog.review.rejected' && state === 'rejected';
}

/**
 * The seed replays months of catalog work at once; the notices about steps already taken would
 * bury the few that still ask for something (a review to do, a returned draft). Those are marked
 * read, so the demo's unread badges point at real work.
 */
async function settleInboxes(ctx: AppContext, waiting: ReadonlyMap<string, DemoEntry['state']>): Promise<void> {
  const { items: users } = await listUsers(ctx, { status: 'active' }, 200, 0);
  for (const u of users) {
    const { items } = await inbox(ctx, u.id, true, 10_000, 0);
    const done = items
      .filter((n) => n.kind.startsWith('catalog.') && !stillOpen(n.kind, n.payload, waiting))
      .map((n) => n.id);
    if (done.length) await markRead(ctx, u.id, done);
  }
}

async function firstUser(ctx: AppContext, filter: { role: Role; departmentId?: string }): Promise<string | undefined> {
  const { items } = await listUsers(ctx, { ...filter, status: 'active' }, 1, 0);
  return items[0]?.id;
}
