// Bundles the server (src/server/main.ts → dist/server/main.mjs) and the govshare command
// (src/cli/main.ts → dist/cli/main.mjs), dependencies left to node_modules, when a bundle is missing or
// older than any file under src/server, src/shared, src/cli or package.json: `npm start` and `govshare`
// then run compiled JavaScript, not TypeScript compiled at every start (seconds per CLI call).
// Run as a script (npm start, npm test) or imported by bin/govshare.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const BUNDLES = [
  { entry: 'src/server/main.ts', out: 'dist/server/main.mjs' },
  { entry: 'src/cli/main.ts', out: 'dist/cli/main.mjs' },
];
const SOURCES = ['src/server', 'src/shared', 'src/cli', 'package.json'];

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(p)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

function builtAt(out) {
  const file = path.join(root, out);
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

/**
 * Builds in memory and renames finished files into place: several processes may start at once (tests
 * run the CLI from two workers), and none may import a half-written bundle.
 */
async function bundle({ entry, out }) {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, out),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  // The map first: a bundle newer than its sources is taken as done.
  const isMap = (f) => f.path.endsWith('.map');
  for (const f of [...result.outputFiles.filter(isMap), ...result.outputFiles.filter((f) => !isMap(f))]) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.contents);
    fs.renameSync(tmp, f.path);
  }
}

export async function ensureServerBuild() {
  const sourcesAt = Math.max(...SOURCES.map((p) => newest(path.join(root, p))));
  const stale = BUNDLES.filter((b) => builtAt(b.out) < sourcesAt);
  if (stale.length === 0) return;
  // stderr: the CLI's output on stdout stays the command's own.
  console.error(`Building ${stale.map((b) => path.dirname(b.out)).join(', ')}…`);
  await Promise.all(stale.map(bundle));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await ensureServerBuild();
