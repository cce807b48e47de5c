import type { JobDefinition, ModuleDefinition } from '../../platform/module';
import { CIRCULATE_JOB, circulateOverdue } from './circular-service';
import { circularRoutes } from './circular-routes';
import { rectificationAuditTargets } from './rectification-audit-targets';
import { rectificationRoutes } from './rectification-routes';
import { reportRoutes } from './report-routes';

/**
 * Rectification's share of the supervision module (notices, circulars, the leading group report),
 * gathered here so that index.ts adds it in one line each.
 */
const MINUTE = 60_000;

export const rectificationPart = {
  routes: [
    { prefix: '/api/supervision', plugin: rectificationRoutes },
    { prefix: '/api/supervision', plugin: circularRoutes },
    { prefix: '/api/supervision', plugin: reportRoutes },
  ],
  jobs: [
    {
      // Notices past their deadline unanswered or sent back become circulars; each in its own transaction.
      kind: CIRCULATE_JOB,
      everyMs: 10 * MINUTE,
      handler: async (ctx) => {
        const n = await circulateOverdue(ctx);
        if (n) ctx.log.info(`supervision: ${n} overdue rectification notice(s) circulated`);
      },
      options: { transactional: false },
    },
  ] satisfies JobDefinition[],
  auditTargets: rectificationAuditTargets,
} satisfies Pick<ModuleDefinition, 'routes' | 'jobs' | 'auditTargets'>;
