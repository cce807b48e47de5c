import type { AppContext } from '../../app-context';

/**
 * Departments holding an active grant on an entry hear of its changes. Sharing knows who
 * they are, but sharing depends on the catalog, so the catalog cannot import it: the composition
 * root (src/server/compose.ts) hands sharing's public function in through register().
 */
export type GrantHolders = (ctx: AppContext, entryId: string) => Promise<string[]>;

let grantHolders: GrantHolders | undefined;

export function wireGrantHolders(fn: GrantHolders): void {
  grantHolders = fn;
}

export function grantHoldersOf(ctx: AppContext, entryId: string): Promise<string[]> {
  if (!grantHolders) throw new Error('catalog: grant holders are not wired (src/server/compose.ts)');
  return grantHolders(ctx, entryId);
}
