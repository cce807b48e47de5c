import type { ModuleDefinition } from '../../platform/module';
import type { SupervisionSource } from '../../platform/supervision/sources';
import { assessmentPart } from './assessment-module';
import { supervisionArticles } from './compliance-own';
import { complianceRoutes } from './compliance-routes';
import { supervisionTodos } from './todos';
import { rectificationPart } from './rectification-module';

/** Supervision's own indicators (rectification closure), for the assessment engine to add to the modules'. */
export { rectificationClosure, rectificationIndicators } from './rectification-indicator';
/** Violations for rectification notices (issue #16 points 3–4): read them, and move their status. */
export { findViolations, markViolations } from './violations-service';
export type { ViolationDetail } from './violations-schemas';

/**
 * Supervision and assessment (Chapter 6, Art 27–30): indicators computed into snapshots with their
 * evidence, scores and cards, violations, rectification notices and circulars, the compliance view.
 * Every other module's facts reach it as the sources compose.ts hands in.
 */
export function register(deps: { sources: SupervisionSource[] }): ModuleDefinition {
  const assessment = assessmentPart(deps.sources);
  // The compliance view reads every module's article evidence and supervision's own (Art 29, 30).
  const articles = [...deps.sources.flatMap((s) => s.articles ?? []), ...supervisionArticles];
  return {
    name: 'supervision',
    // Rectification notices, circulars and the leading group report (issue #16 point 4).
    routes: [
      ...assessment.routes,
      ...rectificationPart.routes,
      { prefix: '/api/supervision', plugin: complianceRoutes(articles) },
    ],
    jobs: [...assessment.jobs, ...rectificationPart.jobs],
    auditTargets: { ...assessment.auditTargets, ...rectificationPart.auditTargets },
    todos: supervisionTodos,
  };
}
