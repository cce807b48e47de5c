import type { ModuleDefinition } from '../../platform/module';
import { accountRoutes } from './accounts-routes';
import { ckanRoutes } from './ckan/ckan-routes';
import { dcatRoutes } from './dcat/dcat-routes';
import { apiKeyRoutes } from './api-keys-routes';
import { applicationConsoleRoutes, applicationPortalRoutes } from './applications-routes';
import { OVERDUE_JOB, remindOverdueApplication } from './applications-service';
import { openAuditTargets } from './audit-targets';
import { attachmentRoutes } from './attachments-routes';
import { meRoutes } from './me-routes';
import { openOverview, openTodos } from './todos';
import { openApiDocRoutes } from './open-api-docs-routes';
import { openApiRoutes } from './open-api-routes';
import { portalPages } from './portal-pages';
import { portalRoutes } from './portal-routes';
import { reviewRoutes } from './review-routes';
import { openSealedColumns } from './sealed-columns';
import { dataRequestConsoleRoutes, dataRequestPortalRoutes } from './data-requests-routes';
import { feedbackConsoleRoutes, feedbackPortalRoutes } from './feedback-routes';
import { openSupervision } from './supervision';
import { openArticles } from './compliance';

export { getDataset, listDatasets, reviewDataset } from './review-service';
export { attachAccount } from './accounts-service';

/**
 * The open portal (资源开放门户, Chapter 4): confidentiality review before opening, the public
 * site and its data, 有条件开放 applications, public accounts, requests and
 * feedback. The only door into this module.
 */
export function register(): ModuleDefinition {
  return {
    name: 'open',
    supervision: { ...openSupervision, articles: openArticles },
    routes: [
      { prefix: '/api/open', plugin: reviewRoutes },
      { prefix: '/api/portal', plugin: portalRoutes },
      { prefix: '/api/portal', plugin: accountRoutes },
      { prefix: '/api/portal', plugin: meRoutes },
      { prefix: '/api/portal', plugin: applicationPortalRoutes },
      { prefix: '/api/open', plugin: applicationConsoleRoutes },
      { prefix: '/api/open', plugin: attachmentRoutes },
      { prefix: '/api/open', plugin: dataRequestConsoleRoutes },
      { prefix: '/api/portal', plugin: dataRequestPortalRoutes },
      { prefix: '/api/open', plugin: feedbackConsoleRoutes },
      { prefix: '/api/portal', plugin: feedbackPortalRoutes },
      { prefix: '/api/portal/me', plugin: apiKeyRoutes },
      { prefix: '/open/api/v1', plugin: openApiRoutes },
      { prefix: '/open/api', plugin: openApiDocRoutes },
      { prefix: '', plugin: portalPages },
      { prefix: '', plugin: ckanRoutes },
      { prefix: '', plugin: dcatRoutes },
    ],
    jobs: [{ kind: OVERDUE_JOB, handler: remindOverdueApplication }],
    todos: openTodos,
    overview: openOverview,
    auditTargets: openAuditTargets,
    sealedColumns: openSealedColumns,
  };
}
