import type { FastifyInstance } from 'fastify';
import type { AppContext } from './app-context';
import * as catalog from './modules/catalog';
import * as exchangeDelivery from './modules/exchange-delivery';
import * as exchangeIngest from './modules/exchange-ingest';
import * as gateway from './modules/gateway';
import * as open from './modules/open';
import * as org from './modules/org';
import * as securityOps from './modules/security-ops';
import * as sharing from './modules/sharing';
import * as supervision from './modules/supervision';
import { registerAuditTargets } from './platform/audit/targets';
import { registerSealedColumns } from './platform/crypto/sealed-columns';
import { subscribe } from './platform/events';
import { registerPlatformTasks } from './platform/jobs/platform-tasks';
import { registerJobHandler, registerPeriodicTask } from './platform/jobs/service';
import type { ModuleDefinition } from './platform/module';
import type { MountedEntries } from './modules/catalog';

/** Of these catalog entries, those with data mounted by any channel (the catalog's compilation indicator). */
const mountedEntries: MountedEntries = async (ctx, entryIds) =>
  new Set(
    (
      await Promise.all([
        exchangeIngest.entriesWithBinding(ctx, entryIds),
        exchangeDelivery.entriesWithFiles(ctx, entryIds),
        gateway.entriesWithService(ctx, entryIds),
      ])
    ).flat(),
  );

/**
 * The one composition root: every module's register(), in dependency order (docs/architecture.md
 * draws the arrows). Modules never wire each other; where one needs another's answer without
 * depending on it (the catalog asking sharing who holds grants, data quality asking the gateway how
 * available a service was, the catalog asking the exchange and the gateway which entries have data
 * mounted) it is handed in here.
 */
export function modules(): ModuleDefinition[] {
  const defs = [
    org.register(),
    catalog.register({ grantHolders: sharing.activeGrantDepartments, mountedEntries }),
    sharing.register(),
    exchangeIngest.register({ serviceUptime: gateway.serviceUptime }),
    exchangeDelivery.register(),
    gateway.register(),
    open.register(),
    securityOps.register(),
  ];
  // Supervision assesses what every other module records, through the sources each declares.
  return [...defs, supervision.register({ sources: defs.flatMap((d) => (d.supervision ? [d.supervision] : [])) })];
}

/**
 * Registers every job handler, periodic task, event subscription and audit target resolver in this
 * process. Every process that can publish events, run jobs or record audit events (the server, the
 * CLI, tests) calls it once before it does either: an event reaches the subscribers registered when
 * it is published, and an audit event is named by the resolvers registered when it is written.
 */
export function registerBackgroundWork(defs: ModuleDefinition[] = modules()): void {
  registerPlatformTasks();
  for (const m of defs) {
    if (m.auditTargets) registerAuditTargets(m.auditTargets);
    if (m.sealedColumns) registerSealedColumns(m.sealedColumns);
    for (const j of m.jobs ?? []) {
      if (j.everyMs !== undefined) registerPeriodicTask(j.kind, j.everyMs, j.handler, j.options);
      else registerJobHandler(j.kind, j.handler, j.options);
    }
    for (const s of m.events ?? []) subscribe(s);
  }
}

/** Mounts every module's routes (the platform's own are mounted by app.ts before these). */
export async function mountModuleRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  defs: ModuleDefinition[],
): Promise<void> {
  for (const m of defs) for (const r of m.routes ?? []) await app.register(r.plugin(ctx), { prefix: r.prefix });
}
