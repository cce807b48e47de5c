import type { ModuleDefinition } from '../../platform/module';
import type { SupervisionSource } from '../../platform/supervision/sources';

/**
 * Supervision and assessment (Chapter 6, Art 27–30): indicators computed into snapshots with their
 * evidence, scores and cards, violations, rectification notices and circulars, the compliance view.
 * Every other module's facts reach it as the sources compose.ts hands in.
 */
export function register(deps: { sources: SupervisionSource[] }): ModuleDefinition {
  void deps;
  return { name: 'supervision' };
}
