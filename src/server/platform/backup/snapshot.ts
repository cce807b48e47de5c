import type { AppContext } from '../../app-context';
import { postgresPoolOf } from '../../db/open';
import { cursorSession, copySession, type Session } from './session-repo';

/**
 * Runs fn on one connection of its own: on PostgreSQL a pool client, whose rows come through COPY;
 * on PGlite the embedded database's only connection (everything else waits until fn is done).
 */
export async function withSession<T>(ctx: Pick<AppContext, 'db'>, fn: (s: Session) => Promise<T>): Promise<T> {
  const pool = postgresPoolOf(ctx.db);
  if (!pool) return ctx.db.connection().execute((conn) => fn(cursorSession(conn)));
  const client = await pool.connect();
  // A checked-out client's connection error would otherwise be thrown from nowhere; fn's query fails with it.
  const ignore = () => undefined;
  client.on('error', ignore);
  let broken = false;
  try {
    return await fn(copySession(client));
  } catch (e) {
    // A COPY stopped half-way leaves the connection mid-protocol: it is discarded, not reused.
    broken = true;
    throw e;
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}
