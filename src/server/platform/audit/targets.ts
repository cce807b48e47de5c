import type { AppContext } from '../../app-context';

/**
 * Finds the human name of an audit target of one type (a resource's name and code, a request
 * number), or null when there is none. It runs in the context the event is written in: inside a
 * change's transaction it sees what the change created.
 */
export type AuditTargetResolver = (ctx: AppContext, id: string) => Promise<string | null>;

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

/**
 * The name to store with an event. Outside a transaction a failing lookup costs the event its name,
 * not the event itself; inside one the failed statement has aborted the transaction, so the error
 * goes on and the change rolls back with it, as any other failure to write its audit row does.
 */
export async function resolveTargetName(
  ctx: AppContext,
  targetType: string | null,
  targetId: string | null,
): Promise<string | null> {
  const resolve = targetType && targetId ? resolvers.get(targetType) : undefined;
  if (!resolve) return null;
  try {
    return await resolve(ctx, targetId!);
  } catch (e) {
    if (ctx.db.isTransaction) throw e;
    ctx.log.error(`audit: no name for ${targetType} ${targetId}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
