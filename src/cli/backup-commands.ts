import type { AppContext } from '../server/app-context';
import type { Config } from '../server/config';
import { DataDirLockedError, openDatabase, type Database } from '../server/db/open';
import { writeBackup } from '../server/platform/backup/backup';
import { backupKey } from '../server/platform/backup/key';
import { restoreBackup, verifyBackupFile } from '../server/platform/backup/restore';
import { BACKUP_PATH } from '../server/platform/backup/routes';
import { systemClock } from '../server/platform/clock';
import { UsageError, auditCli, flag, type Command, type ParsedArgs } from './command';

/** backup and restore of the database (PGlite or PostgreSQL) and the stored files. */

const progress = (line: string) => process.stderr.write(`${line}\n`);

function fileArg(args: ParsedArgs): string {
  const file = args.positional[0];
  if (!file) throw new UsageError('FILE is required');
  return file;
}

/** Opens the database itself, to say what to do instead when a running server holds the embedded one. */
async function withDatabase(
  config: Config,
  whenLocked: string,
  fn: (ctx: AppContext) => Promise<number>,
): Promise<number> {
  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    console.error(`${e.message}\n${whenLocked}`);
    return 2;
  }
  try {
    return await fn({ db: database.db, dbKind: database.kind, config, clock: systemClock, log: console });
  } finally {
    await database.close();
  }
}

const KEY_HELP =
  'With --key-file KEYFILE (64 hex digits) or GOVSHARE_BACKUP_KEY the file is encrypted with SM4 and authenticated with HMAC-SM3. ' +
  'The master key (GOVSHARE_SECRET_KEY / GOVSHARE_KEY_FILE / DATA_DIR/secret.key) is not in the backup: keep it separately.';

export const BACKUP_COMMANDS: Record<string, Command> = {
  backup: {
    summary: 'Back up the database and stored files to a file / 备份数据库和文件',
    usage: 'govshare backup FILE [--key-file KEYFILE]',
    help:
      'Reads every table in one snapshot while the platform keeps running, plus the stored files, into FILE with a manifest of row counts and SM3 checksums. ' +
      `${KEY_HELP} A running embedded (PGlite) server locks its data folder: download the backup from it instead (GET ${BACKUP_PATH}, platform or security administrator). Progress goes to stderr.`,
    async runOffline(config, args) {
      const file = fileArg(args);
      const key = backupKey(flag(args, 'key-file'));
      const locked =
        `A running server holds this embedded database: download its backup from the server instead, ` +
        `GET ${BACKUP_PATH} as a platform or security administrator (the file is the same). / ` +
        `嵌入式数据库正被运行中的服务器使用：请由平台管理员或安全管理员从服务器下载备份（GET ${BACKUP_PATH}）。`;
      return withDatabase(config, locked, async (ctx) => {
        const m = await writeBackup(ctx, file, { key, progress });
        const rows = m.tables.reduce((n, t) => n + t.rows, 0);
        await auditCli(ctx, 'backup.create', 'backup', file, {
          migration: m.migration,
          tables: m.tables.length,
          rows,
          files: m.files.length,
          encrypted: key !== undefined,
        });
        console.log(
          `Backed up ${m.tables.length} tables (${rows} rows) and ${m.files.length} files at ${m.migration} to ${file}${key ? ' (encrypted)' : ''}.`,
        );
        return 0;
      });
    },
  },
  'backup verify': {
    summary: 'Check a backup file without restoring it / 校验备份文件',
    usage: 'govshare backup verify FILE [--key-file KEYFILE]',
    help: 'Checks the HMAC of an encrypted file and every table and file against the manifest; exits 1 when anything differs.',
    async runOffline(_config, args) {
      const m = await verifyBackupFile(fileArg(args), backupKey(flag(args, 'key-file')));
      console.log(`Backup intact: ${m.tables.length} tables, ${m.files.length} files, ${m.migration}, ${m.createdAt}.`);
      return 0;
    },
  },
  restore: {
    summary: 'Restore a backup into an empty database / 从备份恢复',
    usage: 'govshare restore FILE [--key-file KEYFILE] [--force]',
    help:
      'Checks the whole file first, then in one transaction migrates the database (DATABASE_URL, or the embedded one in DATA_DIR) to the backup’s migration, loads every table, ' +
      'sets the sequences, puts the stored files back into FILES_DIR and compares every table with the manifest; on any difference nothing is kept and the exit code is 1. ' +
      `A database holding data is refused unless --force, which empties it first. ${KEY_HELP}`,
    async runOffline(config, args) {
      const file = fileArg(args);
      const key = backupKey(flag(args, 'key-file'));
      const locked = 'Stop the server first: a restore replaces its whole database. / 请先停止服务器再恢复。';
      return withDatabase(config, locked, async (ctx) => {
        const r = await restoreBackup(ctx, file, { key, force: args.flags.force === true, progress });
        await auditCli(ctx, 'backup.restore', 'backup', file, {
          migration: r.manifest.migration,
          createdAt: r.manifest.createdAt,
          from: r.manifest.databaseKind,
          tables: r.manifest.tables.length,
          rows: r.rows,
          files: r.manifest.files.length,
          force: args.flags.force === true,
        });
        console.log(
          `Restored ${r.manifest.tables.length} tables (${r.rows} rows) and ${r.manifest.files.length} files from ${file} (taken ${r.manifest.createdAt} on ${r.manifest.databaseKind}); every table matches the manifest.`,
        );
        return 0;
      });
    },
  },
};
