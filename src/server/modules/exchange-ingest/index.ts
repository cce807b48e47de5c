import { on } from '../../platform/events';
import type { ModuleDefinition } from '../../platform/module';
import { PULL_JOB, schedulePulls } from './bindings-service';
import { followPublishedVersion } from './center-service';
import { runPull } from './pull-service';
import { ingestRoutes } from './routes';
import { wireServiceUptime, type ServiceUptimeSource } from './service-uptime';
import { ingestSealedColumns } from './sealed-columns';
import { exchangeSupervision } from './supervision';
export { entriesWithBinding } from './supervision';
import { exchangeArticles } from './compliance';
import './events';

/**
 * The exchange's ingest side (数据汇聚): department sources, table bindings and pulls, uploads, the
 * data resource center's managed tables and their quality. The only door into this module; the
 * delivery side reads the center through what is exported here.
 */
export type { ManagedTable } from './center-service';
export type { LoadConnection } from './center-load-repo';
export type { TargetColumn, TargetRow, TargetSpec } from './connectors/targets';
export { bindingOfEntry } from './bindings-service';
export { ensureManagedTable, managedColumns } from './center-service';
export { countRows, findManaged, KEY_COLUMN, upsertRows } from './center-repo';
export { WINDOW_BATCHES, withLoadConnection } from './center-load-repo';
export { CopyText, decodeCopyField, eachLine } from './copy-text';
export { sniffedStream, UnsupportedTypeError } from '../../platform/storage/sniff';
export { targetColumnType } from './mapping';
export { runPull } from './pull-service';
export { dataFreshness, dataFreshnessOf, measureQuality } from './quality-service';
export type { ServiceUptime } from './service-uptime';
export { getSource, parseTableRef, withSourceTarget } from './sources-service';

const MINUTE = 60_000;

export function register(deps: { serviceUptime: ServiceUptimeSource }): ModuleDefinition {
  wireServiceUptime(deps.serviceUptime);
  return {
    name: 'exchange-ingest',
    sealedColumns: ingestSealedColumns,
    supervision: { ...exchangeSupervision, articles: exchangeArticles },
    routes: [{ prefix: '/api/exchange', plugin: ingestRoutes }],
    jobs: [
      {
        // a pull asked for by a user or the schedule; it commits batch by batch itself.
        kind: PULL_JOB,
        handler: async (ctx, p: { bindingId: string; mode?: 'full' | 'incremental'; startedBy?: string }) => {
          await runPull(ctx, p.bindingId, { mode: p.mode, startedBy: p.startedBy ?? null });
        },
        options: { transactional: false, maxAttempts: 1 },
      },
      {
        kind: 'exchange.schedule-pulls',
        everyMs: 5 * MINUTE,
        handler: async (ctx) => {
          const n = await schedulePulls(ctx);
          if (n) ctx.log.info(`exchange: ${n} scheduled pull(s) queued`);
        },
      },
    ],
    events: [
      // an entry's managed table follows the items of each newly published version.
      on('catalog.version.published', 'exchange-ingest.follow-version', async (ctx, e) => {
        if (!e.payload.deleted) await followPublishedVersion(ctx, e.payload.entryId);
      }),
    ],
  };
}
