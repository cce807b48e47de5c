// Builds the web app when dist/web is missing or older than any file under src/web or src/shared
// (the web imports the shared rules), so
// `npm start` and `npm test` work on a fresh clone without a separate build step.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src/web');
const shared = path.join(root, 'src/shared');
const marker = path.join(root, 'dist/web/index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

if (!fs.existsSync(src)) process.exit(0);
const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
if (built < Math.max(newest(src), fs.existsSync(shared) ? newest(shared) : 0)) {
  console.log('Building the web app (dist/web)…');
  execSync('npm run build:web', { cwd: root, stdio: 'inherit' });
}
