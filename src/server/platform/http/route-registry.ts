import type { FastifyInstance } from 'fastify';
import type { AuditSpec } from '../audit/categories';
import type { RouteAccess } from '../rbac/permissions';

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
  audit: AuditSpec | false;
}

/** Swagger UI's own routes: static documentation, public and not audited. */
const DOCS_PREFIX = '/api/docs';

/**
 * Refuses to start with an API route that does not say who may call it and how it is audited,
 * and records every route so the permission matrix and audit label tests can enumerate them.
 */
export function installRouteRegistry(app: FastifyInstance): void {
  app.decorate('routeTable', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url.startsWith(DOCS_PREFIX)) {
      route.config = { ...route.config, access: 'public', audit: false };
      route.schema = { ...route.schema, hide: true };
    }
    const access = route.config?.access;
    const audit = route.config?.audit;
    if (access === undefined || audit === undefined) {
      throw new Error(`Route ${methods.join(',')} ${route.url} must declare config.access and config.audit`);
    }
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, access, audit });
    }
  });
}
