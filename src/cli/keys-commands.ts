import fs from 'node:fs';
import { migrateToLatest } from '../server/db/migrate';
import { rotateInstanceKey } from '../server/platform/crypto/instance-keys';
import { keyStatus, rotateDataKey, rotateMasterKey } from '../server/platform/crypto/key-rotation';
import { parseHexKey } from '../server/platform/crypto/secret-box';
import { UsageError, auditCli, flag, type Command } from './command';

/** Key management: the data keys, the master key that wraps them, the instance's SM2 key. */

const KINDS = ['data-key', 'master-key', 'instance-key'] as const;

/** The previous master key, from a file or the environment (never a command-line argument: it would sit in the shell history). */
function previousKey(file: string | undefined): Buffer {
  if (file) return parseHexKey(fs.readFileSync(file, 'utf8'), '--previous-key-file');
  const env = process.env.GOVSHARE_PREVIOUS_SECRET_KEY;
  if (!env) throw new UsageError('give the previous master key as GOVSHARE_PREVIOUS_SECRET_KEY or --previous-key-file');
  return parseHexKey(env, 'GOVSHARE_PREVIOUS_SECRET_KEY');
}

export const KEYS_COMMANDS: Record<string, Command> = {
  'keys rotate': {
    summary: 'Rotate the data key, the master key or the instance SM2 key / 密钥轮换',
    usage:
      'govshare keys rotate --data-key [--batch-size N] | --master-key [--previous-key-file FILE] | --instance-key',
    help:
      '--data-key makes a new SM4 data key current and re-encrypts every stored secret with it in batches, then retires ' +
      'the old key; run again after an interruption, it finishes the same rotation.\n' +
      '--master-key re-wraps every data key with the master key now configured (GOVSHARE_SECRET_KEY or GOVSHARE_KEY_FILE); ' +
      'the previous one is read from GOVSHARE_PREVIOUS_SECRET_KEY or --previous-key-file. Afterwards the previous key opens ' +
      'nothing: restart every server with the new key.\n' +
      '--instance-key makes a new SM2 signing key; the old one stays published so what it signed still verifies.\n' +
      'All of it while the platform runs.',
    async run(ctx, args) {
      const kinds = KINDS.filter((k) => args.flags[k] === true);
      if (kinds.length !== 1) throw new UsageError('give one of --data-key, --master-key, --instance-key');
      await migrateToLatest(ctx.db);
      switch (kinds[0]!) {
        case 'data-key': {
          const batch = flag(args, 'batch-size');
          if (batch !== undefined && !(Number(batch) >= 1))
            throw new UsageError('--batch-size must be a positive number');
          const r = await rotateDataKey(ctx, {
            batchSize: batch ? Number(batch) : undefined,
            onBatch: (column, done) => console.log(`${column}: ${done} re-encrypted`),
          });
          await auditCli(ctx, 'keys.rotate_data_key', 'data_key', r.kid, {
            resumed: r.resumed,
            reencrypted: r.reencrypted,
            retired: r.retired,
          });
          console.log(
            `Data key ${r.kid} current${r.resumed ? ' (interrupted rotation finished)' : ''}: ${r.reencrypted} value(s) re-encrypted, retired: ${r.retired.join(', ') || 'none'}.`,
          );
          return 0;
        }
        case 'master-key': {
          const r = await rotateMasterKey(ctx, previousKey(flag(args, 'previous-key-file')));
          await auditCli(ctx, 'keys.rotate_master_key', 'master_key', r.to, {
            from: r.from,
            rewrapped: r.rewrapped,
            reencrypted: r.reencrypted,
          });
          console.log(
            r.rewrapped.length || r.reencrypted
              ? `Master key ${r.from} → ${r.to}: ${r.rewrapped.length} data key(s) re-wrapped, ${r.reencrypted} old-form value(s) re-encrypted.`
              : `Every data key is already wrapped by master key ${r.to}; nothing to do.`,
          );
          return 0;
        }
        case 'instance-key': {
          const kid = await rotateInstanceKey(ctx);
          await auditCli(ctx, 'keys.rotate_instance_key', 'instance_key', kid, null);
          console.log(`Instance SM2 key ${kid} current; the previous one stays published.`);
          return 0;
        }
      }
    },
  },
  'keys status': {
    summary: 'List the data keys and what each seals / 查看数据密钥',
    usage: 'govshare keys status',
    help: 'Prints the configured master key’s fingerprint, every data key (which master key wraps it, when it was superseded or retired) and how many stored values each seals.',
    async run(ctx) {
      await migrateToLatest(ctx.db);
      const s = await keyStatus(ctx);
      console.log(`Master key ${s.masterFingerprint}`);
      for (const k of s.keys) {
        const state = k.retiredAt
          ? `retired ${k.retiredAt}`
          : k.supersededAt
            ? `superseded ${k.supersededAt}`
            : 'current';
        const n = k.values === null ? '' : `, ${k.values} value(s)`;
        console.log(`  ${k.kid} ${k.purpose} wrapped by ${k.masterFingerprint}, ${state}${n}`);
      }
      if (s.legacyValues) console.log(`  ${s.legacyValues} value(s) still sealed with the master key itself (gs1)`);
      return 0;
    },
  },
};
