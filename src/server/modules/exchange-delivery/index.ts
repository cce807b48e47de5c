import { on } from '../../platform/events';
import { deliveryAuditTargets } from './audit-targets';
import type { ModuleDefinition } from '../../platform/module';
import { PUSH_JOB, queuePushesOfEntry, runPush } from './push-service';
import { recordRoutes } from './records-routes';
import { deliveryRoutes } from './routes';

/**
 * The exchange's delivery side: what a grant lets a consumer have — the query API and exports
 * (records), files, pushes into the consumer's database, and the masking applied to all of them.
 * The only door into this module.
 */
export { pushIdOfGrantNo, runPush } from './push-service';
export { getMasking, openMaskingGaps, saveMasking } from './masking-service';
export { openExport, type ExportDownload, type ExportFormat, type ExportRecipient } from './records-export';
export type { XlsxSheet } from './records-xlsx';
export { queryRecords } from './records-service';
export { entriesWithFiles } from './files-service';
export { grantFieldRules, type PortalCaller } from './data-access';

export function register(): ModuleDefinition {
  return {
    name: 'exchange-delivery',
    auditTargets: deliveryAuditTargets,
    routes: [
      { prefix: '/api/exchange', plugin: deliveryRoutes },
      { prefix: '/api', plugin: recordRoutes },
    ],
    jobs: [
      {
        // a grant's delivery into the consumer's database, after each load or on request.
        kind: PUSH_JOB,
        handler: async (ctx, p: { pushId: string; mode?: 'full' | 'incremental'; startedBy?: string }) => {
          await runPush(ctx, p.pushId, { mode: p.mode, startedBy: p.startedBy ?? null });
        },
        options: { transactional: false, maxAttempts: 1 },
      },
    ],
    events: [
      // New rows in the center go on to the consumers whose grants deliver into their databases.
      on('exchange.center.loaded', 'exchange-delivery.push-after-load', async (ctx, e) => {
        await queuePushesOfEntry(ctx, e.payload.entryId);
      }),
    ],
  };
}
