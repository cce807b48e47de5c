import type { ModuleDefinition } from '../../platform/module';
import { securityAuditTargets } from './audit-targets';
import { securityArticles } from './compliance';
import { registerRoutes } from './register-routes';
import { securityTodos } from './todos';
import { traceRoutes } from './trace-routes';

/** Security operations (Chapter 5): the register of assessments, drills, reviews and inspections. */
export { completeAction, createRecord, registerStatus } from './register-service';
export type { RegisterStatus } from './register-schemas';

export function register(): ModuleDefinition {
  return {
    name: 'security-ops',
    routes: [
      { prefix: '/api/security', plugin: registerRoutes },
      { prefix: '/api/security', plugin: traceRoutes },
    ],
    todos: securityTodos,
    auditTargets: securityAuditTargets,
    supervision: { articles: securityArticles },
  };
}
