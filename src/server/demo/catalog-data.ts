import { BASE_ENTRIES } from './catalog-base';
import { THEME_ENTRIES } from './catalog-themes';
import { DEPARTMENT_ENTRIES } from './catalog-departments';
import type { DemoEntry } from './catalog-build';

export { OWN_CLASS, type DemoEntry, type DemoState } from './catalog-build';

/**
 * The Shangrao demo catalog: 基础 resources (人口, 法人, 空间地理, 信用, 证照), 主题 resources and
 * departments' own resources, from city bodies, counties and public-service enterprises.
 */
export const DEMO_CATALOG: DemoEntry[] = [...BASE_ENTRIES, ...THEME_ENTRIES, ...DEPARTMENT_ENTRIES];
