import { on } from '../../platform/events';
import type { ModuleDefinition } from '../../platform/module';
import { gatewayAuditTargets } from './audit-targets';
import { GatewayHost } from './gateway-runtime';
import { gwRoutes } from './gw-routes';
import { sweepCredentials } from './maintenance';
import { checkUpstreams } from './monitoring-service';
import { gatewayRoutes } from './routes';
import { gatewaySealedColumns } from './sealed-columns';
import { gatewayTodos } from './todos';
import { gatewaySupervision } from './supervision';
export { entriesWithService } from './supervision';
import { gatewayArticles } from './compliance';

/**
 * The service gateway (服务接口, R-23, Art 12–13): providers' upstream APIs registered on their
 * 服务接口 entries, consuming systems with app credentials, and /gw, through which every call passes
 * checked against a grant, limited, masked and audited. The only door into this module.
 */
export { GRANT_HEADER } from './call-handler';
export { serviceUptime } from './monitoring-service';

const MINUTE = 60_000;

export function register(): ModuleDefinition {
  const host = new GatewayHost();
  return {
    name: 'gateway',
    routes: [
      { prefix: '/api/gateway', plugin: (ctx) => gatewayRoutes(ctx, host) },
      { prefix: '/gw', plugin: (ctx) => gwRoutes(ctx, host) },
    ],
    auditTargets: gatewayAuditTargets,
    sealedColumns: gatewaySealedColumns,
    supervision: { ...gatewaySupervision, articles: gatewayArticles },
    todos: gatewayTodos,
    events: [
      // A grant revoked, renewed or expired is checked afresh by the next call (not a second later).
      on('sharing.grant.changed', 'gateway.forget-grant', async (_ctx, e) => {
        host.forgetGrants(e.payload.consumerDepartmentId, e.payload.entryId);
      }),
    ],
    jobs: [
      { kind: 'gateway.sweep-credentials', everyMs: 10 * MINUTE, handler: sweepCredentials },
      // R-23 point 4 / R-27: every upstream probed once a minute; availability is the share of probes up.
      {
        kind: 'gateway.health-check',
        everyMs: MINUTE,
        handler: async (ctx) => {
          await checkUpstreams(ctx);
        },
        options: { transactional: false, maxAttempts: 1 },
      },
    ],
  };
}
