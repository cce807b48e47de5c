import { defineConfig } from 'vitest/config';

/** Files that replace a module with vi.mock: they get a process of their own (see `isolate` below). */
const MOCKING = ['test/catalog/excel-import-instances.test.ts'];

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
          include: ['src/server/**/*.test.ts', 'src/cli/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: MOCKING,
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
