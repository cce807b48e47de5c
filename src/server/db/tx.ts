import type { AppContext, Db } from '../app-context';

/**
 * Runs fn in a transaction, or inside the caller's when ctx.db already is one (the demo seed builds
 * everything in one transaction through the same services); Kysely does not nest transactions.
 */
export function inTransaction<T>(ctx: AppContext, fn: (trx: Db) => Promise<T>): Promise<T> {
  return ctx.db.isTransaction ? fn(ctx.db) : ctx.db.transaction().execute(fn);
}
