import type { JobDefinition, ModuleDefinition } from '../../platform/module';
import type { SupervisionSource } from '../../platform/supervision/sources';
import { ASSESS_EVERY_MS, ASSESS_JOB, runAssessment } from './assessment-jobs';
import { assessmentRoutes } from './assessment-routes';
import { supervisionAuditTargets } from './audit-targets';
import { rectificationIndicators } from './rectification-indicator';
import { collectSources } from './sources-registry';
import { DETECT_EVERY_MS, DETECT_JOB, runDetection } from './violations-jobs';
import { violationRoutes } from './violations-routes';

/**
 * Assessment and violations' share of the supervision module: the engine that computes every module's
 * indicators (and supervision's own, rectification closure) into snapshots, and runs their detectors.
 * The sources are whatever register() was handed: compose.ts's, or a test's own.
 */
export function assessmentPart(handed: SupervisionSource[]) {
  const sources = collectSources([...handed, { indicators: rectificationIndicators }]);
  return {
    routes: [
      { prefix: '/api/supervision', plugin: assessmentRoutes(sources) },
      { prefix: '/api/supervision', plugin: violationRoutes(sources) },
    ],
    jobs: [
      {
        // Each snapshot is one transaction of its own; a failed period does not undo the others.
        kind: ASSESS_JOB,
        everyMs: ASSESS_EVERY_MS,
        handler: async (ctx) => {
          const done = await runAssessment(ctx, sources);
          ctx.log.info(`supervision: assessed ${done.join(', ')}`);
        },
        options: { transactional: false },
      },
      {
        kind: DETECT_JOB,
        everyMs: DETECT_EVERY_MS,
        handler: async (ctx) => {
          await runDetection(ctx, sources);
        },
        options: { transactional: false },
      },
    ] satisfies JobDefinition[],
    auditTargets: supervisionAuditTargets,
  } satisfies Pick<ModuleDefinition, 'routes' | 'jobs' | 'auditTargets'>;
}
