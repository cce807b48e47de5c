// Bundles the server (src/server/main.ts and what it imports, dependencies left to node_modules) into
// dist/server/main.mjs when the bundle is missing or older than any file under src/server, src/shared
// or package.json: `npm start` then runs compiled JavaScript, not TypeScript compiled at start-up.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/server/main.mjs');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(p)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

const sources = ['src/server', 'src/shared', 'package.json'].map((p) => path.join(root, p));
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
if (built < Math.max(...sources.map(newest))) {
  console.log('Building the server (dist/server)…');
  await build({
    entryPoints: [path.join(root, 'src/server/main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
