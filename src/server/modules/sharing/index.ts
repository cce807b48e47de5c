import type { ModuleDefinition } from '../../platform/module';
import { sharingAuditTargets } from './audit-targets';
import { expireDueGrants } from './grants-service';
import { sharingRoutes } from './routes';
import { sharingSupervision } from './supervision';
import { sharingArticles } from './compliance';
import { sharingOverview, sharingTodos } from './todos';
import * as steps from './steps-service';
import './events';

/** The sharing portal (资源共享): requests, reviews with deadlines, letters, grants. The only door into this module. */
export type { Grant } from './schemas';
export type { DeliveryStamp } from './use-limits';
export {
  activeGrantDepartments,
  checkGrant,
  getGrant,
  grantsInForceOf,
  requireGrant,
  reserveGrantRows,
} from './grants-service';
export type { GrantCheck, GrantRefusal, RowQuota } from './grants-service';
export { METHOD_OF_USE, type DataUse, type GrantTerms } from './grant-terms';
export { deliveryStamp, USE_TERMS } from './use-limits';
export { uploadLetter } from './letters-service';
export { applyInfo, createRequest } from './requests-service';
export { prereview } from './reviews-service';

const MINUTE = 60_000;

export function register(): ModuleDefinition {
  return {
    name: 'sharing',
    routes: [{ prefix: '/api/sharing', plugin: sharingRoutes }],
    todos: sharingTodos,
    overview: sharingOverview,
    auditTargets: sharingAuditTargets,
    supervision: { ...sharingSupervision, articles: sharingArticles },
    jobs: [
      // a review step past its deadline is flagged and escalated, once, at the moment it passes.
      { kind: steps.OVERDUE_JOB, handler: steps.flagOverdueStep },
      {
        // grants end after their last valid day (Shanghai date); checked every 10 minutes.
        kind: 'sharing.expire-grants',
        everyMs: 10 * MINUTE,
        handler: async (ctx) => {
          const n = await expireDueGrants(ctx);
          if (n) ctx.log.info(`sharing: ${n} grant(s) expired`);
        },
      },
    ],
  };
}
