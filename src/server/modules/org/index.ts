import type { ModuleDefinition } from '../../platform/module';
import { orgAuditTargets } from './audit-targets';
import { orgRoutes } from './routes';

/** Organisations: regions, departments, accounts, data specialists. The only door into this module. */
export { countDepartments, createDepartment, getDepartment } from './departments-service';
export { createSpecialist, departmentContact, departmentContacts, listSpecialists } from './specialists-service';
export type { Contact } from './specialists-service';
export { createUser, listUsers } from './users-service';

export function register(): ModuleDefinition {
  return { name: 'org', routes: [{ prefix: '/api', plugin: orgRoutes }], auditTargets: orgAuditTargets };
}
