import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { StringDecoder } from 'node:string_decoder';
import { to as copyTo } from 'pg-copy-streams';

/**
 * One database connection as backup and restore use it: plain queries, and the rows of a one-column
 * text query streamed — through COPY TO on PostgreSQL, through a cursor where the connection speaks no
 * COPY protocol (PGlite's adapter) and inside a restore's own transaction.
 */
export interface Session {
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The text of each row of `select <one text column> …`, in order, a batch at a time. */
  lines(select: string): AsyncIterable<string>;
}

const CURSOR_BATCH = 2000;

/** A session on a Kysely connection (a `db.connection()` callback's argument), rows through a cursor. */
export function cursorSession(conn: Kysely<any>): Session {
  const query = async <R>(text: string, params: readonly unknown[] = []) =>
    (await conn.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows;
  return {
    query,
    async *lines(select) {
      // Inside the caller's transaction: a cursor lives only as long as one.
      await query(`declare govshare_backup_rows no scroll cursor for ${select}`);
      try {
        for (;;) {
          const rows = await query<{ r: string }>(`fetch forward ${CURSOR_BATCH} from govshare_backup_rows`);
          for (const row of rows) yield row.r;
          if (rows.length < CURSOR_BATCH) break;
        }
      } finally {
        await query('close govshare_backup_rows');
      }
    },
  };
}

/**
 * A session on a node-postgres client, rows through COPY TO STDOUT. A row is one JSON text, which has
 * no control characters, so the only escape COPY's text format adds is a doubled backslash.
 */
export function copySession(client: pg.PoolClient): Session {
  return {
    query: async <R>(text: string, params: readonly unknown[] = []) =>
      (await client.query(text, [...params])).rows as R[],
    async *lines(select) {
      const stream = client.query(copyTo(`copy (${select}) to stdout`));
      // A chunk may end inside a character: the decoder keeps its first bytes for the next one.
      const decoder = new StringDecoder('utf8');
      let rest = '';
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const text = rest + decoder.write(chunk);
        const parts = text.split('\n');
        rest = parts.pop()!;
        for (const p of parts) yield p.replaceAll('\\\\', '\\');
      }
      if (rest) throw new Error('COPY output ended inside a row');
    },
  };
}
