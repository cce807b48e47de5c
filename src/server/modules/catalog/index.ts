import type { ModuleDefinition } from '../../platform/module';
import { catalogAuditTargets } from './audit-targets';
import { publishDueVersions } from './changes-service';
import { wireGrantHolders, type GrantHolders } from './consumers';
import * as demands from './demands-service';
import * as objections from './objections-service';
import { IMPORT_JOB } from './excel-jobs';
import { runImportJob } from './excel-service';
import { catalogRoutes } from './routes';
import { catalogSupervision, type MountedEntries } from './supervision';
import { catalogArticles } from './compliance';
import { catalogOverview, catalogTodos } from './todos';
import './events';

/** The catalog (目录管理系统): entries, versions, review, change notices, objections, demands. The only door into this module. */
export type { EntryVersion, EntryDetail, DataItem } from './entries-schemas';
export type { CatalogActor } from './versions-model';
export type { GrantHolders } from './consumers';
export type { MountedEntries } from './supervision';
export { createEntry, entryIdByCode, getEntry, publishedVersionOf, setPortalVersion } from './entries-service';
export { ensureDepartmentItem, listClasses } from './classes-service';
export { iterateSearch, searchEntries, textMatchCondition } from './search-service';
export type { SearchHit } from './search-service';
export { SearchQuery, SearchResult } from './search-query';
export { loadVersion, submitVersion } from './versions-service';
export { deptReview, platformReview } from './lifecycle-service';

const MINUTE = 60_000;

export function register(deps: { grantHolders: GrantHolders; mountedEntries: MountedEntries }): ModuleDefinition {
  wireGrantHolders(deps.grantHolders);
  return {
    name: 'catalog',
    routes: [{ prefix: '/api/catalog', plugin: catalogRoutes }],
    todos: catalogTodos,
    overview: catalogOverview,
    auditTargets: catalogAuditTargets,
    supervision: { ...catalogSupervision(deps.mountedEntries), articles: catalogArticles },
    jobs: [
      {
        // an approved impacting change takes effect at its effective date, not before, not much after.
        kind: 'catalog.publish-due',
        everyMs: MINUTE,
        handler: async (ctx) => {
          const n = await publishDueVersions(ctx);
          if (n) ctx.log.info(`catalog: ${n} scheduled version(s) published`);
        },
      },
      // Deadline reminders, scheduled by the services when a deadline is set.
      { kind: objections.OVERDUE_JOB, handler: objections.remindOverdueObjection },
      { kind: demands.OVERDUE_JOB, handler: demands.remindOverdueResponsibility },
      // R-04 Excel imports: started at once by the process that took the upload, else by any runner.
      // Long work with transactions of its own; a retry after a crash starts the import over.
      { kind: IMPORT_JOB, handler: runImportJob, options: { transactional: false, maxAttempts: 3 } },
    ],
  };
}
