import type { ModuleDefinition } from '../../platform/module';
import { orgAuditTargets } from './audit-targets';
import { orgRoutes } from './routes';
import { orgSupervision } from './supervision';
import { trainingAuditTargets } from './training-audit-targets';
import { trainingRoutes } from './training-routes';

/** Organisations: regions, departments, accounts, data specialists. The only door into this module. */
export { countDepartments, createDepartment, getDepartment } from './departments-service';
export { createSpecialist, departmentContact, departmentContacts, listSpecialists } from './specialists-service';
export type { Contact } from './specialists-service';
export { createUser, listUsers } from './users-service';

export function register(): ModuleDefinition {
  return {
    name: 'org',
    routes: [
      { prefix: '/api', plugin: orgRoutes },
      { prefix: '/api', plugin: trainingRoutes },
    ],
    auditTargets: { ...orgAuditTargets, ...trainingAuditTargets },
    // Art 28: a department without a 数据专员 in office is a violation of kind 5.
    supervision: orgSupervision,
  };
}
