import type { Connection } from 'mysql2';
import { CopyRowWriter } from './copy-rows';
import type { CopyBatch, CopyPlan } from './types';

/**
 * A streamed MySQL query's rows written straight from the wire into COPY text. MySQL's text protocol
 * sends every value as its text, which is what COPY takes: the bytes are copied (escaped where COPY
 * needs it), never decoded into JavaScript values. mysql2 has no public hook for this, so the
 * query's row parser — the one object that sees each row packet — is replaced by ours (pinned by
 * test/exchange/pull-values.test.ts, which holds this path and the decoding one to the same rows).
 * The row's fields are then written by copy-rows.ts.
 */

/** The packet a row arrives in, as mysql2 hands it to the row parser (reused for the next row). */
interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
}

interface FieldDefinition {
  characterSet: number;
  columnType: number;
}

/** String and blob types whose binary character set means raw bytes, maybe not UTF-8. */
const BYTE_TYPES = new Set([15, 16, 249, 250, 251, 252, 253, 254]);
const BINARY_CHARSET = 63;

/** Marks the fields of one row packet (length-encoded strings) in the writer and writes the row. */
function writePacket(writer: CopyRowWriter, packet: RowPacket): void {
  const buf = packet.buffer;
  const { starts, ends } = writer;
  let p = packet.offset;
  for (let i = 0; i < starts.length; i++) {
    // One byte of length, 0xfb for NULL, or 0xfc/0xfd/0xfe and 2, 3 or 8 bytes of it.
    let len = buf[p++]!;
    if (len === 0xfb) {
      starts[i] = -1;
      continue;
    }
    if (len === 0xfc) {
      len = buf.readUInt16LE(p);
      p += 2;
    } else if (len === 0xfd) {
      len = buf.readUIntLE(p, 3);
      p += 3;
    } else if (len === 0xfe) {
      len = buf.readUInt32LE(p);
      p += 8;
    }
    starts[i] = p;
    ends[i] = p + len;
    p += len;
  }
  if (p > packet.end) throw new Error('MySQL row packet shorter than its columns');
  writer.row(buf);
}

/**
 * Runs `sql` on `conn` and yields its rows as COPY text in batches of `limit` rows, reading ahead by
 * at most `ahead` batches (the connection is paused beyond that). A consumer that stops early leaves
 * the query running: the caller closes (destroys) the connection.
 */
export async function* copyRows(
  conn: Connection,
  sql: string,
  values: unknown[],
  width: number,
  plan: CopyPlan,
  limit: number,
  ahead = 2,
): AsyncGenerator<CopyBatch> {
  const writer = new CopyRowWriter(plan, width, false);
  let described = false;
  const ready: CopyBatch[] = [];
  let ended = false;
  let failure: unknown = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const parser = {
    next(packet: RowPacket, fields: FieldDefinition[]) {
      if (!described) {
        writer.binary = fields.map((f) => f.characterSet === BINARY_CHARSET && BYTE_TYPES.has(f.columnType));
        described = true;
      }
      writePacket(writer, packet);
      if (writer.rows === limit) {
        ready.push(writer.take());
        if (ready.length >= ahead) {
          paused = true;
          conn.pause();
        }
        notify();
      }
      return null;
    },
  };
  const query = conn.query({ sql, values, rowsAsArray: true });
  // mysql2 sets its own parser once the columns are known; ours stays in its place.
  Object.defineProperty(query, '_rowParser', { get: () => parser, set: () => {}, configurable: true });
  // Our parser answers null for every row; a real row here means mysql2 no longer uses it (an upgrade
  // renamed the internal): the pull must fail rather than load an empty table.
  query.on('result', (row: unknown) => {
    if (row !== null && !failure) {
      failure = new Error('mysql2 parsed a row itself: the COPY row hook is not in effect (mysql2 version changed?)');
      notify();
    }
  });
  query.on('error', (e: unknown) => {
    failure = e;
    notify();
  });
  query.on('end', () => {
    if (writer.rows) ready.push(writer.take());
    ended = true;
    notify();
  });
  for (;;) {
    if (failure) throw failure;
    const batch = ready.shift();
    if (batch) {
      if (paused && ready.length < ahead) {
        paused = false;
        conn.resume();
      }
      yield batch;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
