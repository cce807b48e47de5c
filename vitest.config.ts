import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/server/**/*.test.ts', 'src/cli/**/*.test.ts', 'test/**/*.test.ts'],
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
  },
});
