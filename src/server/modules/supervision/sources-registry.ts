import type { IndicatorDefinition, SupervisionSource, ViolationDetector } from '../../platform/supervision/sources';

/** Every module's indicators and detectors, as supervision was handed them (compose.ts, or a test). */
export interface Sources {
  indicators: IndicatorDefinition[];
  detectors: ViolationDetector[];
}

/** Flattens the modules' sources; a code declared twice is a programming error, found at start-up. */
export function collectSources(sources: SupervisionSource[]): Sources {
  const indicators = sources.flatMap((s) => s.indicators ?? []);
  const detectors = sources.flatMap((s) => s.violations ?? []);
  for (const list of [indicators, detectors]) {
    const seen = new Set<string>();
    for (const { code } of list) {
      if (seen.has(code)) throw new Error(`supervision: ${code} is declared twice`);
      seen.add(code);
    }
  }
  return { indicators, detectors };
}
