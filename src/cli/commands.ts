import fs from 'node:fs';
import { migrateToLatest } from '../server/db/migrate';
import { importYear } from '../server/platform/calendar/service';
import { seedDemoIfEmpty } from '../server/demo/seed';
import { createUser } from '../server/modules/org';
import { SEPARATED_ROLES, type Role } from '../server/platform/rbac/roles';
import { UsageError, auditCli, flag, type Command } from './command';
import { AUDIT_COMMANDS } from './audit-commands';
import { TRACE_COMMANDS } from './trace-commands';
import { BACKUP_COMMANDS } from './backup-commands';
import { KEYS_COMMANDS } from './keys-commands';
import { entryIdByCode } from '../server/modules/catalog';
import { bindingOfEntry, runPull } from '../server/modules/exchange-ingest';
import { pushIdOfGrantNo, runPush } from '../server/modules/exchange-delivery';

export const COMMANDS: Record<string, Command> = {
  ...AUDIT_COMMANDS,
  ...TRACE_COMMANDS,
  migrate: {
    summary: 'Apply pending database migrations / 执行数据库迁移',
    usage: 'govshare migrate',
    help: 'Migrates the database named by DATABASE_URL, or the embedded one in DATA_DIR (default ./data).',
    async run(ctx) {
      const applied = await migrateToLatest(ctx.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    },
  },
  'seed-demo': {
    summary: 'Load the Shangrao demo data into an empty database / 导入上饶示例数据',
    usage: 'govshare seed-demo',
    help: 'Seeds departments, demo accounts and specialists. Does nothing when departments already exist.',
    async run(ctx) {
      await migrateToLatest(ctx.db);
      const seeded = await seedDemoIfEmpty(ctx);
      console.log(seeded ? 'Demo data seeded.' : 'The database already has data; nothing seeded.');
      return 0;
    },
  },
  'create-admin': {
    summary: 'Create a platform_admin, security_admin or auditor account / 创建管理员账号',
    usage:
      'govshare create-admin --username NAME --real-name 姓名 [--role platform_admin|security_admin|auditor] [--email E] [--phone P]',
    help: 'The password is read from the GOVSHARE_PASSWORD environment variable so it never appears in the shell history.',
    async run(ctx, args) {
      const username = flag(args, 'username');
      const realName = flag(args, 'real-name');
      const role = (flag(args, 'role') ?? 'platform_admin') as Role;
      const password = process.env.GOVSHARE_PASSWORD;
      if (!username || !realName) throw new UsageError('--username and --real-name are required');
      if (!SEPARATED_ROLES.includes(role)) throw new UsageError(`--role must be one of ${SEPARATED_ROLES.join(', ')}`);
      if (!password) throw new UsageError('set GOVSHARE_PASSWORD to the new account password');
      await migrateToLatest(ctx.db);
      const user = await createUser(ctx, null, {
        username,
        realName,
        roles: [role],
        password,
        departmentId: null,
        email: flag(args, 'email') ?? null,
        phone: flag(args, 'phone') ?? null,
      });
      await auditCli(ctx, 'user.create', 'user', user.id, { username, roles: [role] });
      console.log(`Created ${role} ${username} (${user.id}).`);
      return 0;
    },
  },
  'calendar import': {
    summary: "Import a year's holiday schedule from JSON / 导入年度节假日安排",
    usage: 'govshare calendar import FILE',
    help: 'FILE holds {"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, …]} (the holiday-cn format; other keys are ignored).',
    async run(ctx, args) {
      const file = args.positional[0];
      if (!file) throw new UsageError('FILE is required');
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { year?: unknown; days?: unknown };
      if (typeof json.year !== 'number' || !Array.isArray(json.days))
        throw new UsageError(`${file} is not {year, days: [...]}`);
      await migrateToLatest(ctx.db);
      const days = (json.days as Array<Record<string, unknown>>).map((d) => ({
        name: String(d.name ?? ''),
        date: String(d.date ?? ''),
        isOffDay: d.isOffDay === true,
      }));
      const n = await importYear(ctx, { year: json.year, days }, null);
      await auditCli(ctx, 'calendar.import', 'calendar_year', String(json.year), { days: n, file });
      console.log(`Imported ${n} days for ${json.year}.`);
      return 0;
    },
  },
  'job run': {
    summary: 'Run (or resume) the table pull of one resource now / 立即执行库表汇聚',
    usage: 'govshare job run ENTRY_CODE [--full] [--batch-size N] [--progress]',
    help:
      'Pulls the entry’s bound source table into its managed table in the data resource center. A run that was ' +
      'interrupted (even killed) resumes after its last committed batch. --progress prints rows, rate and ETA.',
    async run(ctx, args) {
      const code = args.positional[0];
      if (!code) throw new UsageError('ENTRY_CODE is required (e.g. 102/000001)');
      const batch = flag(args, 'batch-size');
      await migrateToLatest(ctx.db);
      const entryId = await entryIdByCode(ctx, code);
      const binding = entryId ? await bindingOfEntry(ctx, entryId) : undefined;
      if (!binding) throw new UsageError(`${code}: no such entry, or it has no source binding`);
      const show = args.flags.progress === true;
      const summary = await runPull(ctx, binding.id, {
        mode: args.flags.full === true ? 'full' : undefined,
        batchSize: batch ? Number(batch) : undefined,
        onProgress: show ? (p) => console.log(progressLine(p, p.read)) : undefined,
      });
      console.log(JSON.stringify(summary));
      return summary.reconciliation && !summary.reconciliation.match ? 1 : 0;
    },
  },
  'job push': {
    summary: "Run (or resume) a grant's delivery into the consumer's database now / 立即执行数据推送",
    usage: 'govshare job push GRANT_NO [--full] [--batch-size N] [--progress]',
    help:
      'Pushes the granted items of a 库表 grant, masked per grant, into the table its consumer configured. A run that ' +
      'was interrupted (even killed) resumes after its last checkpointed batch. --progress prints rows, rate and ETA.',
    async run(ctx, args) {
      const no = args.positional[0];
      if (!no) throw new UsageError('GRANT_NO is required (e.g. SQ-2026-000001)');
      const batch = flag(args, 'batch-size');
      await migrateToLatest(ctx.db);
      const pushId = await pushIdOfGrantNo(ctx, no);
      if (!pushId) throw new UsageError(`${no}: no such grant, or it has no push configured`);
      const show = args.flags.progress === true;
      const summary = await runPush(ctx, pushId, {
        mode: args.flags.full === true ? 'full' : undefined,
        batchSize: batch ? Number(batch) : undefined,
        onProgress: show ? (p) => console.log(progressLine(p, p.written)) : undefined,
      });
      console.log(JSON.stringify(summary));
      return summary.reconciliation && !summary.reconciliation.match ? 1 : 0;
    },
  },
  ...KEYS_COMMANDS,
  ...BACKUP_COMMANDS,
};

/** One line per committed batch: rows so far, rate and what is left. */
function progressLine(
  p: { runId: string; resumed: boolean; total: number | null; rowsPerSecond: number; etaSeconds: number | null },
  done: number,
): string {
  const of = p.total !== null ? `/${p.total}` : '';
  const eta = p.etaSeconds !== null ? `, ETA ${p.etaSeconds}s` : '';
  return `run ${p.runId}${p.resumed ? ' (resumed)' : ''}: ${done}${of} rows, ${p.rowsPerSecond} rows/s${eta}`;
}
