import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '../server/db/migrate';
import { traceFile, type TraceReport } from '../server/platform/fingerprint';
import { UsageError, auditCli, type Command } from './command';

const VERDICTS: Record<TraceReport['verdict'], string> = {
  matched: 'Traced to one download / 已溯源到一次下载',
  ambiguous: 'Ambiguous: more than one download fits / 多个下载记录相符，无法唯一确定',
  no_match: 'No recorded download matches / 未找到相符的下载记录',
  too_few_rows: 'Too few rows to tell (about 200 are needed) / 行数过少，无法判定（约需 200 行）',
};

/** Shanghai wall-clock time, as the platform's people read it. */
const beijing = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} (UTC+8)`;

export const TRACE_COMMANDS: Record<string, Command> = {
  trace: {
    summary: 'Trace a leaked file to the download it came from / 下载溯源',
    usage: 'govshare trace FILE',
    help:
      'FILE is a CSV, JSON Lines or Excel file exported or downloaded from the platform, or a fragment of one ' +
      '(about 200 rows or more, in any order), or a PDF delivered under a grant. Prints the download its fingerprint names: grant, department, ' +
      'user, time and how many rows voted for it. Exits 0 when exactly one download matches, 1 otherwise.',
    async run(ctx, args) {
      const file = args.positional[0];
      if (!file) throw new UsageError('FILE is required');
      if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
      await migrateToLatest(ctx.db);
      const r = await traceFile(ctx, fs.readFileSync(file));
      console.log(
        `${path.basename(file)}: ${r.format}, ${r.voting} rows carry a bit, ${r.knownBits} of 64 bits of the mark decided`,
      );
      if (r.embedded.length) console.log(`Marks named in the file's properties: ${r.embedded.join(', ')}`);
      console.log(VERDICTS[r.verdict]);
      for (const m of r.matches) {
        const d = m.download;
        console.log(`\nDownload ${d.mark} (${d.channel === 'grant' ? '共享授权导出' : '开放门户下载'})`);
        console.log(
          `  resource / 资源     ${d.resourceCode}, ${d.format}, ${d.rows ?? '?'} rows${d.complete === false ? ' (cut short)' : ''}`,
        );
        console.log(`  grant / 授权        ${d.grantNo ?? '—'}`);
        console.log(`  department / 部门   ${d.departmentName ?? '—'}`);
        console.log(`  user / 用户         ${d.realName ?? '—'} (${d.username ?? '—'})${d.ip ? `, from ${d.ip}` : ''}`);
        console.log(`  at / 时间           ${beijing(d.at)}`);
        console.log(
          `  rows voted / 投票行 ${m.agreeing}/${r.voting} agree${m.embedded ? '; named in the file’s properties' : ''}`,
        );
      }
      await auditCli(ctx, 'security.trace', null, null, {
        fileName: path.basename(file),
        format: r.format,
        verdict: r.verdict,
        marks: r.matches.map((m) => m.download.mark),
      });
      return r.verdict === 'matched' ? 0 : 1;
    },
  },
};
