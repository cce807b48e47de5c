import { badRequest, forbidden } from '../../platform/errors';
import type { CatalogActor } from './versions-model';

/**
 * Write-side checks. Reads are scoped by the query filters in versions-repo (visibleVersion /
 * visibleEntry); these guard what a visible row may be used for.
 */

/** The acting department; department roles always have one, other roles cannot compile or subscribe. */
export function actorDepartment(actor: CatalogActor): string {
  if (!actor.departmentId) {
    throw badRequest(
      'CATALOG_DEPARTMENT_REQUIRED',
      'Only a user of a department can do this',
      '只有政务部门的用户可以执行此操作',
    );
  }
  return actor.departmentId;
}

/** A department compiles and reviews only its own catalog (Art 7). */
export function requireOwnDepartment(actor: CatalogActor, providerDepartmentId: string): void {
  if (actor.departmentId !== providerDepartmentId) {
    throw forbidden('Only the providing department can do this to its catalog entries', '只能处理本部门的信息资源目录');
  }
}
