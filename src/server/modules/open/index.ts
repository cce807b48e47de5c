import type { ModuleDefinition } from '../../platform/module';
import { portalPages } from './portal-pages';
import { portalRoutes } from './portal-routes';
import { reviewRoutes } from './review-routes';

export { getDataset, listDatasets, reviewDataset } from './review-service';

/**
 * The open portal (资源开放门户, Chapter 4): confidentiality review before opening, the public
 * site and its data. The only door into this module.
 */
export function register(): ModuleDefinition {
  return {
    name: 'open',
    routes: [
      { prefix: '/api/open', plugin: reviewRoutes },
      { prefix: '/api/portal', plugin: portalRoutes },
      { prefix: '', plugin: portalPages },
    ],
  };
}
