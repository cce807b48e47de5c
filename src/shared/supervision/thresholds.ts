/**
 * The platform admin's thresholds for cards and for violations (settings 'supervision.cards' and
 * 'supervision.violations'); these are the values until one is saved.
 */
export interface CardThresholds {
  /** A score at or above it is green. */
  green: number;
  /** At or above it yellow; below it red. */
  yellow: number;
}

export interface ViolationThresholds {
  /** Failed loads of one department in a period that make it unusable (Art 30 (2)). */
  failedLoads: number;
  /** Service availability (0–1) below which a 服务接口 counts as down (Art 30 (2)). */
  minUptime: number;
  /** Quality score (0–1, R-27) below which a resource does not conform (Art 30 (2)). */
  minQuality: number;
}

export const CARD_SETTING = 'supervision.cards';
export const VIOLATION_SETTING = 'supervision.violations';

export const DEFAULT_CARDS: CardThresholds = { green: 85, yellow: 60 };
export const DEFAULT_VIOLATION_THRESHOLDS: ViolationThresholds = { failedLoads: 3, minUptime: 0.95, minQuality: 0.8 };
