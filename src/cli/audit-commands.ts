import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { migrateToLatest } from '../server/db/migrate';
import { verifyArchive } from '../server/platform/audit/archive';
import { dropExpiredAuditMonths, ensureAuditPartitions } from '../server/platform/audit/retention';
import { auditArchive, verifyAuditChain } from '../server/platform/audit/service';
import { UsageError, auditCli, flag, type Command } from './command';

/** The audit log's commands: verify the chain, keep it by policy, export and check archives. */
export const AUDIT_COMMANDS: Record<string, Command> = {
  'audit verify': {
    summary: 'Verify the SM3 hash chain of the audit log / 校验审计日志完整性',
    usage: 'govshare audit verify',
    help:
      'Exits 0 when the chain is intact and 1 with the problems listed when any row was changed, removed or inserted. ' +
      'Months the retention job dropped count as intact only under their SM2-signed checkpoints.',
    async run(ctx) {
      const r = await verifyAuditChain(ctx);
      if (r.ok) {
        console.log(`Audit log intact: ${r.checked} events, head seq ${r.headSeq}.`);
        return 0;
      }
      console.log(`Audit log TAMPERED: ${r.problems.length} problem(s) in ${r.checked} events.`);
      for (const p of r.problems) console.log(`  seq ${p.seq}: ${p.kind} — ${p.message}`);
      return 1;
    },
  },
  'audit export': {
    summary: 'Write the audit log (or a department’s part) to a signed archive / 导出审计日志签名归档',
    usage: 'govshare audit export FILE [--department DEPARTMENT_ID] [--from ISO] [--to ISO]',
    help: 'The archive holds every event with its SM3 links and an SM2-signed trailer; verify it anywhere with audit verify-archive.',
    async run(ctx, args) {
      const file = args.positional[0];
      if (!file) throw new UsageError('FILE is required');
      const department = flag(args, 'department');
      const from = flag(args, 'from');
      const to = flag(args, 'to');
      for (const [name, v] of [
        ['--from', from],
        ['--to', to],
      ] as const)
        if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`${name} must be a date (ISO 8601)`);
      await migrateToLatest(ctx.db);
      const filter = {
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        concerning: department ? ({ kind: 'department', departmentId: department } as const) : undefined,
      };
      await pipeline(
        Readable.from(auditArchive(ctx, filter, department ?? 'city', { department, from, to })),
        fs.createWriteStream(file),
      );
      await auditCli(ctx, 'audit.archive', null, null, { file, department, from, to });
      console.log(`Archive written to ${file}.`);
      return 0;
    },
  },
  'audit verify-archive': {
    summary: 'Verify an audit archive offline / 离线校验审计日志归档',
    usage: 'govshare audit verify-archive FILE [--keys govshare-keys.json]',
    help:
      'Needs no database: checks every event against its SM3 hash, neighbours against their links, and the trailer’s ' +
      'SM2 signature. With --keys (the instance’s /.well-known/govshare-keys.json) the signer must be one of its keys.',
    async runOffline(_config, args) {
      const file = args.positional[0];
      if (!file) throw new UsageError('FILE is required');
      const keysFile = flag(args, 'keys');
      const trusted = keysFile
        ? (JSON.parse(fs.readFileSync(keysFile, 'utf8')) as { keys: Array<{ publicKey: string }> }).keys.map(
            (k) => k.publicKey,
          )
        : undefined;
      const r = await verifyArchive(fs.createReadStream(file), trusted);
      const range = r.firstSeq ? ` (seq ${r.firstSeq} … ${r.lastSeq}${r.contiguous ? ', contiguous' : ''})` : '';
      if (r.ok) {
        console.log(`Archive intact: ${r.count} events${range}, signed by key ${r.kid}.`);
        return 0;
      }
      console.log(`Archive NOT intact: ${r.problems.length} problem(s) in ${r.count} events${range}.`);
      for (const p of r.problems) console.log(`  ${p}`);
      return 1;
    },
  },
  'audit retention': {
    summary: 'Apply the audit retention now: make next months’ partitions, drop expired months / 执行审计日志保留策略',
    usage: 'govshare audit retention',
    help:
      'What the daily task does: months older than the retention setting (never under 6) are verified, archived, ' +
      'recorded in an SM2-signed checkpoint and dropped. Refuses (exit 1) when the chain does not verify.',
    async run(ctx) {
      await migrateToLatest(ctx.db);
      await ensureAuditPartitions(ctx);
      const dropped = await dropExpiredAuditMonths(ctx);
      for (const d of dropped)
        console.log(
          `Dropped ${d.partition}: ${d.count} events (seq ${d.firstSeq} … ${d.lastSeq}), archive ${d.archiveFile}.`,
        );
      if (!dropped.length) console.log('Nothing older than the retention period.');
      return 0;
    },
  },
};
