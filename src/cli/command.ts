/** What every CLI command is made of; the commands themselves are in *-commands.ts files gathered by commands.ts. */
import type { AppContext } from '../server/app-context';
import type { Config } from '../server/config';
import { recordSystemAudit } from '../server/platform/audit/service';
import { AppError } from '../server/platform/errors';

export interface Command {
  summary: string;
  usage: string;
  help: string;
  /** Runs with the database opened (not migrated: the command migrates when it needs to). */
  run?(ctx: AppContext, args: ParsedArgs): Promise<number>;
  /** Runs without opening the database: work on files alone (an archive verified offline) or on a database it opens itself. */
  runOffline?(config: Config, args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** CLI actions that change something are audited like any other, as the operator "cli". */
export async function auditCli(
  ctx: AppContext,
  action: string,
  targetType: string | null,
  targetId: string | null,
  detail: Record<string, unknown> | null,
) {
  await recordSystemAudit(
    ctx,
    'cli',
    { category: 'admin', action, targetType, targetId, detail },
    process.env.USER ?? null,
  );
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export class UsageError extends Error {}

export function describeError(e: unknown): string {
  if (e instanceof AppError) {
    const details = e.details ? `\n${JSON.stringify(e.details, null, 2)}` : '';
    return `${e.message} / ${e.messageZh ?? ''}${details}`;
  }
  return e instanceof Error ? e.message : String(e);
}
