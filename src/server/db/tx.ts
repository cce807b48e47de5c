import type { AppContext, Db } from '../app-context';

/**
 * Runs fn in a transaction, or inside the caller's when db already is one (a request's change
 * transaction, the demo seed building everything in one); Kysely does not nest transactions.
 */
export function inTransactionOf<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export const inTransaction = <T>(ctx: AppContext, fn: (trx: Db) => Promise<T>): Promise<T> =>
  inTransactionOf(ctx.db, fn);
