import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * A PGlite backend that exits used to hang the whole process at full CPU (electric-sql/pglite#1058);
 * with failInsteadOfSpinning the query fails with the cause, and so does every later one. Run in a
 * child process with a timeout, because a regression would block this process's event loop for good.
 */
it('turns a PGlite backend exit into a failed query instead of an endless loop', async () => {
  const fixture = path.join(import.meta.dirname, 'fixtures/pglite-backend-exit.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
    timeout: 60_000,
    cwd: path.resolve(import.meta.dirname, '../..'),
  });
  expect(stdout.trim().split('\n')).toEqual([
    'copy t from stdin: The embedded database stopped: Program terminated with exit(1)',
    'select 1: The embedded database stopped: Program terminated with exit(1)',
  ]);
});
