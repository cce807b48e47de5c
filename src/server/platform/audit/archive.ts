import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { sm2Verify } from '../crypto/sm2';
import { chainHash, type AuditRecord } from './chain';

/**
 * An audit archive: events exactly as the chain holds them, one JSON object per line between a
 * header and a trailer the instance signs with SM2, so that whoever receives it (a department, an
 * inspector) verifies it with `govshare audit verify-archive FILE`, offline: every event against its
 * own hash, neighbours in seq against their link, the lines against the signed digest and count.
 *
 * header:  {"format":"govshare-audit-archive/1","createdAt":…,"scope":…,"filter":…}
 * event:   {"seq":"17","prevHash":…,"hash":…,"event":{…AuditRecord without seq, at as ISO…}}
 * trailer: {"trailer":{"count":…,"digest":<SM3 of header and event lines, each with its \n>,
 *           "head":{"seq","hash"},"kid":…,"publicKey":…,"signature":<DER hex>}}
 */
export const ARCHIVE_FORMAT = 'govshare-audit-archive/1';

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  createdAt: string;
  /** 'city', a department's id, or the partition a retention run dropped. */
  scope: string;
  filter?: unknown;
}

export interface ArchiveEventLine {
  seq: string;
  prevHash: string;
  hash: string;
  event: Omit<AuditRecord, 'seq' | 'at'> & { at: string };
}

export interface ArchiveTrailer {
  count: number;
  digest: string;
  head: { seq: string; hash: string };
  kid: string;
  publicKey: string;
  signature: string;
}

/** What the instance signs: the format, the digest of the lines, how many events, the chain's head then. */
export const archiveSigningText = (t: Pick<ArchiveTrailer, 'count' | 'digest' | 'head'>) =>
  `${ARCHIVE_FORMAT}\n${t.digest}\n${t.count}\n${t.head.seq}:${t.head.hash}`;

export interface SealedEvent {
  seq: string;
  prevHash: string;
  hash: string;
  record: Omit<AuditRecord, 'seq'>;
}

export const archiveLine = (e: SealedEvent): string =>
  JSON.stringify({
    seq: e.seq,
    prevHash: e.prevHash,
    hash: e.hash,
    event: { ...e.record, at: e.record.at.toISOString() },
  } satisfies ArchiveEventLine) + '\n';

/**
 * Writes an archive as text chunks: the header, the events, then the trailer `sign` makes from what
 * was written (the signer is asked only once the digest is known).
 */
export async function* writeArchive(
  header: Omit<ArchiveHeader, 'format'>,
  events: AsyncIterable<SealedEvent>,
  sign: (t: Pick<ArchiveTrailer, 'count' | 'digest'>) => Promise<ArchiveTrailer>,
): AsyncGenerator<string> {
  const digest = createHash('sm3');
  const headerLine = JSON.stringify({ format: ARCHIVE_FORMAT, ...header }) + '\n';
  digest.update(headerLine);
  yield headerLine;
  let count = 0;
  for await (const e of events) {
    const line = archiveLine(e);
    digest.update(line);
    count++;
    yield line;
  }
  const trailer = await sign({ count, digest: digest.digest('hex') });
  yield JSON.stringify({ trailer }) + '\n';
}

export interface ArchiveReport {
  ok: boolean;
  header: ArchiveHeader | null;
  count: number;
  /** The lowest and highest seq the archive holds. */
  firstSeq: string | null;
  lastSeq: string | null;
  /** Whether the events are one unbroken piece of the chain (a retention archive is). */
  contiguous: boolean;
  kid: string | null;
  publicKey: string | null;
  problems: string[];
}

/**
 * Verifies an archive with nothing but the file (and, when given, the instance's published keys to
 * trust its signer by). Reads line by line: an archive of millions of events needs no more memory than one.
 */
export async function verifyArchive(input: Readable, trustedKeys?: string[]): Promise<ArchiveReport> {
  const problems: string[] = [];
  const add = (p: string) => {
    if (problems.length < 100) problems.push(p);
  };
  const digest = createHash('sm3');
  let header: ArchiveHeader | null = null;
  let trailer: ArchiveTrailer | null = null;
  let count = 0;
  let lowest: bigint | null = null;
  let highest: bigint | null = null;
  let prev: { seq: bigint; hash: string; prevHash: string } | null = null;
  let contiguous = true;
  let lineNo = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (trailer) {
      add(`line ${lineNo}: text after the trailer`);
      break;
    }
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      add(`line ${lineNo}: not JSON`);
      continue;
    }
    if (lineNo === 1) {
      if (value.format !== ARCHIVE_FORMAT) {
        add(`not a ${ARCHIVE_FORMAT} file`);
        break;
      }
      header = value as unknown as ArchiveHeader;
      digest.update(text + '\n');
      continue;
    }
    if ('trailer' in value) {
      trailer = value.trailer as ArchiveTrailer;
      continue;
    }
    digest.update(text + '\n');
    const line = value as unknown as ArchiveEventLine;
    count++;
    const record = { ...line.event, at: new Date(line.event.at) };
    if (chainHash(line.prevHash, line.seq, record) !== line.hash)
      add(`seq ${line.seq}: the event does not match its hash`);
    const seq = BigInt(line.seq);
    if (lowest === null || seq < lowest) lowest = seq;
    if (highest === null || seq > highest) highest = seq;
    if (prev) {
      // Neighbours in the chain, in either order, must link; a filtered archive may skip seqs between them.
      if (seq === prev.seq + 1n && line.prevHash !== prev.hash)
        add(`seq ${line.seq}: does not link to seq ${prev.seq}`);
      else if (seq === prev.seq - 1n && prev.prevHash !== line.hash)
        add(`seq ${prev.seq}: does not link to seq ${seq}`);
      if (seq !== prev.seq + 1n) contiguous = false;
    }
    prev = { seq, hash: line.hash, prevHash: line.prevHash };
  }
  if (!header && !problems.length) add('the file is empty');
  if (!trailer) add('the trailer (signature) is missing: the archive is cut short');
  else {
    if (trailer.count !== count) add(`the trailer counts ${trailer.count} events, the file holds ${count}`);
    const lines = digest.digest('hex');
    if (trailer.digest !== lines) add('the lines do not match the signed digest: the archive was changed');
    if (!sm2Verify(archiveSigningText(trailer), trailer.signature, trailer.publicKey))
      add('the SM2 signature does not verify');
    if (trustedKeys && !trustedKeys.includes(trailer.publicKey))
      add(`the signing key ${trailer.kid} is not among the instance's published keys`);
  }
  return {
    ok: problems.length === 0,
    header,
    count,
    firstSeq: lowest === null ? null : String(lowest),
    lastSeq: highest === null ? null : String(highest),
    contiguous,
    kid: trailer?.kid ?? null,
    publicKey: trailer?.publicKey ?? null,
    problems,
  };
}
