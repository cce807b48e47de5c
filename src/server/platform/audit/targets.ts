import type { AppContext } from '../../app-context';

/**
 * What the log records of a target with the event: its human name (a resource's name and code, a
 * request number), and the departments the event concerns besides the actor's — the provider whose
 * data it is and the consumer that used it (R-42: each department sees the events about its data
 * and its use).
 */
export interface AuditTargetFacts {
  name: string | null;
  providerDepartmentId?: string | null;
  consumerDepartmentId?: string | null;
}

/**
 * Finds the facts of an audit target of one type (or just its name), or null when there is none. It
 * runs in the context the event is written in: inside a change's transaction it sees what the change
 * created.
 */
export type AuditTargetResolver = (ctx: AppContext, id: string) => Promise<string | null | AuditTargetFacts>;

/** A module's resolvers, by the targetType its routes and recorders use. */
export type AuditTargetNames = Record<string, AuditTargetResolver>;

/**
 * The platform knows no module, so modules hand their resolvers in through register()
 * (ModuleDefinition.auditTargets) and the composition root registers them here, in every process
 * that records events.
 */
const resolvers = new Map<string, AuditTargetResolver>();

export function registerAuditTargets(names: AuditTargetNames): void {
  for (const [type, resolve] of Object.entries(names)) resolvers.set(type, resolve);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For targets keyed by a uuid: a malformed id (a request refused by validation still names its
 * path parameter) has no name, and must not reach the database as a uuid it cannot parse.
 */
export const byUuid =
  (resolve: AuditTargetResolver): AuditTargetResolver =>
  (ctx, id) =>
    UUID.test(id) ? resolve(ctx, id) : Promise.resolve(null);

const NONE: AuditTargetFacts = { name: null };

/**
 * The facts to store with an event. Outside a transaction a failing lookup costs the event its name
 * and parties, not the event itself; inside one the failed statement has aborted the transaction, so
 * the error goes on and the change rolls back with it, as any other failure to write its audit row does.
 */
export async function resolveAuditTarget(
  ctx: AppContext,
  targetType: string | null,
  targetId: string | null,
): Promise<AuditTargetFacts> {
  const resolve = targetType && targetId ? resolvers.get(targetType) : undefined;
  if (!resolve) return NONE;
  try {
    const found = await resolve(ctx, targetId!);
    return typeof found === 'object' && found !== null ? found : { name: found };
  } catch (e) {
    if (ctx.db.isTransaction) throw e;
    ctx.log.error(`audit: no name for ${targetType} ${targetId}: ${e instanceof Error ? e.message : String(e)}`);
    return NONE;
  }
}
