import { loadConfig } from '../server/config';
import { DataDirLockedError, openDatabase } from '../server/db/open';
import { registerBackgroundWork } from '../server/compose';
import { systemClock } from '../server/platform/clock';
import { COMMANDS } from './commands';
import { UsageError, describeError, type Command, type ParsedArgs } from './command';

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const next = argv[i + 1];
      if (inline !== undefined) flags[name] = inline;
      else if (next !== undefined && !next.startsWith('--') && name !== 'help') flags[name] = argv[++i]!;
      else flags[name] = true;
    } else if (a === '-h') flags.help = true;
    else positional.push(a);
  }
  return { positional, flags };
}

function overview(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`);
  return [
    'Usage: govshare <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run govshare <command> --help for details.',
  ].join('\n');
}

/** Picks the longest command name matching the leading words ("audit verify" before "audit"). */
function findCommand(words: string[]) {
  for (let n = Math.min(2, words.length); n >= 1; n--) {
    const name = words.slice(0, n).join(' ');
    const cmd = COMMANDS[name];
    if (cmd) return { name, cmd, rest: words.slice(n) };
  }
  return undefined;
}

export async function runCli(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const found = findCommand(args.positional);
  if (!found) {
    console.log(overview());
    return args.positional.length === 0 || args.flags.help ? 0 : 2;
  }
  const { name, cmd, rest } = found;
  if (args.flags.help) {
    console.log(`${cmd.usage}\n\n${cmd.summary}\n${cmd.help}`);
    return 0;
  }
  const config = loadConfig();
  if (cmd.runOffline)
    return runReported(name, cmd, () => cmd.runOffline!(config, { positional: rest, flags: args.flags }));
  let database;
  try {
    database = await openDatabase(config);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  // A command's work may publish events (a pull's load) for other modules: their subscribers must be known.
  registerBackgroundWork();
  try {
    return await runReported(name, cmd, () =>
      cmd.run!(
        { db: database.db, dbKind: database.kind, config, clock: systemClock, log: console },
        { positional: rest, flags: args.flags },
      ),
    );
  } finally {
    await database.close();
  }
}

/** A command's outcome as its exit code: 2 for a usage error (with the usage), 1 for any other failure. */
async function runReported(name: string, cmd: Command, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}\nUsage: ${cmd.usage}`);
      return 2;
    }
    console.error(`${name} failed: ${describeError(e)}`);
    return 1;
  }
}
