import { AppError } from '../errors';

/** What backup and restore refuse, in both languages (shown by the CLI and the route alike). */
export const backupErrors = {
  notABackup: () =>
    new AppError(400, 'BACKUP_FORMAT', 'The file is not a govshare backup', '该文件不是 govshare 备份文件'),
  keyRequired: () =>
    new AppError(
      400,
      'BACKUP_KEY_REQUIRED',
      'The backup is encrypted: give its key (--key-file or GOVSHARE_BACKUP_KEY)',
      '备份已加密：请提供密钥（--key-file 或 GOVSHARE_BACKUP_KEY）',
    ),
  wrongKey: () =>
    new AppError(
      400,
      'BACKUP_KEY_WRONG',
      'The key does not open this backup (wrong key)',
      '密钥与该备份不符，无法解密',
    ),
  altered: (what: string) =>
    new AppError(
      400,
      'BACKUP_ALTERED',
      `The backup failed its integrity check (${what}): the file was changed or damaged; nothing was restored`,
      `备份完整性校验失败（${what}）：文件被改动或已损坏，未恢复任何数据`,
    ),
  tooNew: (migration: string) =>
    new AppError(
      400,
      'BACKUP_TOO_NEW',
      `The backup is at migration ${migration}, which this govshare version does not have: restore it with a newer version`,
      `备份的数据库版本（${migration}）高于本程序：请用更新版本的 govshare 恢复`,
    ),
  notEmpty: () =>
    new AppError(
      409,
      'RESTORE_TARGET_NOT_EMPTY',
      'The target database already holds govshare data: restore into an empty database, or add --force to empty it first',
      '目标数据库已有数据：请恢复到空数据库，或加 --force 先清空',
    ),
  verifyFailed: (tables: string[]) =>
    new AppError(
      500,
      'RESTORE_VERIFY_FAILED',
      `The restored data differs from the backup's manifest (${tables.join(', ')}); the restore was rolled back`,
      `恢复后的数据与备份清单不符（${tables.join('、')}），已回滚`,
      { tables },
    ),
};
