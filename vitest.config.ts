import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

/** Files that replace a module with vi.mock: they get a process of their own (see `isolate` below). */
const MOCKING = ['test/catalog/excel-import-instances.test.ts'];

/**
 * TEST_BROWSER_PART=k/n runs only the k-th of n parts of the browser tests (every n-th file by name;
 * the other tests all run). CI runs the suite on PGlite and on PostgreSQL: the browser tests, half of
 * its time, check what a user sees, which does not depend on the database, so each part runs in one
 * pass and both databases still serve some of them. Unset, every browser test runs.
 */
function browserTestsOutsidePart(part: string | undefined): string[] {
  if (!part) return [];
  const m = /^(\d+)\/(\d+)$/.exec(part);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || k < 1 || k > n) throw new Error(`TEST_BROWSER_PART must be k/n with 1 ≤ k ≤ n, not "${part}"`);
  return fs
    .readdirSync('test/e2e')
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .filter((_, i) => i % n !== k - 1)
    .map((f) => `test/e2e/${f}`);
}

export default defineConfig({
  test: {
    // Generous: CLI tests start real processes on PGlite, which is slow on a busy 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Each file gets its own database; two workers keep memory in bounds on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    // A failing test says so once; rerunning would hide flakiness.
    retry: 0,
    // expect.poll waits for what the user would see; 1 s (the default) is too short on a loaded CI machine.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['src/server/**/*.test.ts', 'src/shared/**/*.test.ts', 'src/cli/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...MOCKING, ...browserTestsOutsidePart(process.env.TEST_BROWSER_PART)],
          // Files run one after another in a worker that keeps its loaded modules: loading the server's
          // code again for each of ~80 files cost minutes of CI. Files share no state but modules'
          // caches: each opens its own database and app.
          isolate: false,
          // One migrated database that each file's own database copies (test/helpers/db.ts).
          globalSetup: ['test/helpers/database-template.ts'],
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING } },
    ],
  },
});
