import type { AppContext } from '../app-context';
import { shanghaiDate } from '../platform/calendar/dates';
import { publishedVersionOf } from '../modules/catalog';
import { upsertRows, ensureManagedTable, measureQuality } from '../modules/exchange-ingest';
import { DEMO_CATALOG } from './catalog-data';
import { DemoTableRows, type DemoItem } from './demo-rows';
import { DemoWorld } from './demo-world';
import { publishedEntryId } from './seed-repo';

/**
 * Fills the data resource center for the demo: every published demo entry shared as a 库表
 * gets its managed table and synthetic rows, then a quality measurement, so the resource
 * pages, data previews, quality figures and table exchanges have data on first start.
 */

/** The enterprise register and the social insurance roll: the two big tables of the demo. */
export const ENTERPRISE_ENTRY = '企业登记信息';
export const PEOPLE_ENTRY = '社会保险参保信息';

/** Rows per entry at scale 1; entries not listed get DEFAULT_ROWS. */
export const DEMO_ROW_COUNTS: Readonly<Record<string, number>> = {
  [ENTERPRISE_ENTRY]: 10_000,
  [PEOPLE_ENTRY]: 50_000,
  个体工商户登记信息: 2_000,
  标准地名地址信息: 2_000,
  行政处罚信息: 800,
  政务服务事项目录: 1_200,
  广丰区就业登记信息: 2_000,
  经开区危险化学品企业名录: 200,
  公共资源交易项目信息: 1_000,
  建设工程项目信息: 1_000,
  地质灾害隐患点信息: 500,
  用水户用水量信息: 2_000,
};
const DEFAULT_ROWS = 500;

/** The same data on every start: change it and every demo ID number and credit code changes. */
export const DEMO_SEED = 20_261_124;

/** Rows per statement: big enough to keep round trips few, small enough for PGlite's memory. */
const BATCH = 5_000;

export interface DemoRowsOptions {
  /** Multiplies every entry's row count (config demoRows); at least one row per entry. */
  scale: number;
  seed?: number;
}

export interface DemoRowsResult {
  tables: number;
  rows: number;
  ms: number;
}

export const demoRowCount = (entryName: string, scale: number) =>
  Math.max(1, Math.round((DEMO_ROW_COUNTS[entryName] ?? DEFAULT_ROWS) * scale));

/** The published demo entries shared as tables, in catalog order. */
export const demoTableEntries = () =>
  DEMO_CATALOG.filter((e) => e.state === 'published' && (e.input.shareMethods ?? []).includes('table'));

export async function seedDemoRows(
  ctx: AppContext,
  departmentId: (name: string) => string,
  opts: DemoRowsOptions,
): Promise<DemoRowsResult> {
  const started = Date.now();
  const world = new DemoWorld({
    seed: opts.seed ?? DEMO_SEED,
    today: shanghaiDate(ctx.clock.now()),
    people: demoRowCount(PEOPLE_ENTRY, opts.scale),
    enterprises: demoRowCount(ENTERPRISE_ENTRY, opts.scale),
  });
  const at = ctx.clock.now();
  let rows = 0;
  const entries = demoTableEntries();
  for (const demo of entries) {
    const entryId = await publishedEntryId(ctx.db, demo.input.name, departmentId(demo.department));
    const version = await publishedVersionOf(ctx, entryId);
    const managed = await ensureManagedTable(ctx, entryId);
    const items = new Map((version?.items ?? []).map((i) => [i.id, i]));
    // Columns follow the managed table's order; each is made from the data item it holds.
    const columns: DemoItem[] = managed.columns.map((c) => {
      const item = items.get(c.itemId);
      return { name: item?.name ?? c.column, dataType: c.dataType, length: item?.length ?? null };
    });
    const maker = new DemoTableRows(world, demo.input.name, columns);
    const count = demoRowCount(demo.input.name, opts.scale);
    for (let from = 0; from < count; from += BATCH) {
      // Run id 0: no exchange run loaded these rows; a later real pull replaces them.
      rows += await upsertRows(
        ctx.db,
        managed.name,
        managed.columns,
        maker.batch(from, Math.min(count, from + BATCH)),
        '0',
        at,
      );
    }
    await measureQuality(ctx, entryId, null);
  }
  return { tables: entries.length, rows, ms: Date.now() - started };
}
