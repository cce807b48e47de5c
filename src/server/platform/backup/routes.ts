import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { writeBackup } from './backup';
import { backupKey } from './key';

export const BACKUP_PATH = '/api/system/backup';

/**
 * The backup of a running platform, for the embedded database above all: its data folder is locked by
 * the server, so `govshare backup` cannot open it. Encrypted with the server's GOVSHARE_BACKUP_KEY when
 * set (the key never travels in a request). The file is made in the temp folder first, so a failure is
 * an error answer rather than a cut-off download; on PGlite other requests wait while the tables are read.
 */
export function backupRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      BACKUP_PATH,
      {
        config: { access: 'platform.backup', audit: { category: 'admin', action: 'backup.download' } },
        schema: {
          tags: ['system'],
          summary: 'Download a backup of the whole platform / 下载平台备份',
          description:
            'The file `govshare backup` writes (docs/operations.md): every table, sequence and stored file with a manifest of counts and SM3 checksums; SM4-encrypted when the server has GOVSHARE_BACKUP_KEY. Restore it with `govshare restore FILE`.',
          produces: ['application/octet-stream'],
        },
      },
      async (_req, reply) => {
        const stamp = ctx.clock.now().toISOString().replace(/[-:]/g, '').slice(0, 15);
        const file = path.join(os.tmpdir(), `govshare-backup-${randomBytes(8).toString('hex')}.gsbak`);
        try {
          await writeBackup(ctx, file, { key: backupKey(undefined) });
        } catch (e) {
          await rm(file, { force: true });
          throw e;
        }
        const body = createReadStream(file);
        body.once('close', () => void rm(file, { force: true }));
        return reply
          .type('application/octet-stream')
          .header('content-disposition', `attachment; filename="govshare-${stamp}.gsbak"`)
          .send(body);
      },
    );
  };
}
