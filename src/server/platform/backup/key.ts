import fs from 'node:fs';
import { parseHexKey } from '../crypto/secret-box';

/**
 * The backup key: `--key-file FILE` (64 hex digits), else GOVSHARE_BACKUP_KEY, else none (a plain
 * backup). It is not the master key, and like it is kept apart from the backups it opens.
 */
export function backupKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  if (keyFile) return parseHexKey(fs.readFileSync(keyFile, 'utf8'), '--key-file');
  if (env.GOVSHARE_BACKUP_KEY) return parseHexKey(env.GOVSHARE_BACKUP_KEY, 'GOVSHARE_BACKUP_KEY');
  return undefined;
}
