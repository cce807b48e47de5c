import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root';

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
export const VERSION = pkg.version;
