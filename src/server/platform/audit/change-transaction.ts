import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ControlledTransaction } from 'kysely';
import type { AppContext } from '../../app-context';
import type { DB } from '../../db/types';

/**
 * An audited change and its audit event commit together or not at all. A route that changes state
 * (POST, PUT, PATCH, DELETE with an audit declaration) runs its handler inside one transaction;
 * the audit hook writes the event into it and commits before the response leaves — or rolls the
 * change back when the request fails, and records the failure on its own. The services see the
 * transaction as ctx.db through the request-scoped context the routes are given, and their own
 * transactions (inTransaction) run inside it.
 */
const current = new AsyncLocalStorage<ControlledTransaction<DB>>();

/** The context routes are built with: its db is the request's change transaction while one is open. */
export function requestScoped(ctx: AppContext): AppContext {
  const scoped = { ...ctx };
  Object.defineProperty(scoped, 'db', { get: () => current.getStore() ?? ctx.db, enumerable: true });
  return scoped;
}

/**
 * Runs work that outlives its request (a background import) on the pool, not on the request's change
 * transaction, which ends with the response.
 */
export const outsideChangeTransaction = <T>(work: () => T): T => current.exit(work);

declare module 'fastify' {
  interface FastifyRequest {
    /** The open transaction of a state-changing request, until the audit hook commits or rolls it back. */
    changeTransaction?: ControlledTransaction<DB>;
  }
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Takes the request's open change transaction, if any, so that exactly one caller ends it. */
export function takeChangeTransaction(req: FastifyRequest): ControlledTransaction<DB> | undefined {
  const trx = req.changeTransaction;
  req.changeTransaction = undefined;
  return trx;
}

export function installChangeTransactions(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const audit = route.config?.audit;
    if (!audit || audit.transaction === false || !methods.some((m) => CHANGES.has(m))) return;
    const handler = route.handler;
    route.handler = async function (this: FastifyInstance, req, reply) {
      const trx = await ctx.db.startTransaction().execute();
      req.changeTransaction = trx;
      return current.run(trx, () => handler.call(this, req, reply));
    };
  });
  // A request that ended without a response passing the audit hook (an aborted upload) changes nothing.
  const abandon = async (req: FastifyRequest) => {
    await takeChangeTransaction(req)?.rollback().execute();
  };
  app.addHook('onResponse', abandon);
  app.addHook('onRequestAbort', abandon);
}
