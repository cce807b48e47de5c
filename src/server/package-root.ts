import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding govshare's package.json, found upwards from this module: the same whether the
 * server runs from its TypeScript sources (src/server) or from the production bundle (dist/server).
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(import.meta.dirname);
