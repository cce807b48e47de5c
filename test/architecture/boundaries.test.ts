import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** docs/architecture.md's arrows, as dependency-cruiser checks them (the same config CI runs). */
const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const BIN = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function violations(cwd: string): Promise<Violation[]> {
  const run = promisify(execFile);
  const out = await run(process.execPath, [BIN, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => {
    // dependency-cruiser exits with the number of violations; its report is still on stdout.
    if (!e.stdout) throw e;
    return { stdout: e.stdout };
  });
  return (JSON.parse(out.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('module boundaries', () => {
  it('hold in the code: platform knows no module, modules meet through index.ts without cycles, web and shared stay apart', async () => {
    expect((await violations(ROOT)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('are enforced: each kind of violation in a small tree is reported by its rule', async () => {
    const found = await violations(path.join(import.meta.dirname, 'fixture'));
    const rules = new Set(found.map((v) => v.rule.name));
    expect([...rules].sort()).toEqual(
      [
        'module-only-through-index',
        'no-cycles-between-modules',
        'outside-only-through-index',
        'platform-not-to-modules',
        'shared-no-node-builtins',
        'web-not-to-server',
      ].sort(),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        rule: expect.objectContaining({ name: 'module-only-through-index' }),
        from: 'src/server/modules/b/thing.ts',
        to: 'src/server/modules/a/internal.ts',
      }),
    );
  });
});
