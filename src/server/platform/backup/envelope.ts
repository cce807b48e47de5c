import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { backupErrors } from './errors';

/**
 * The outer layer of a backup file. First line `GOVSHARE-BACKUP/1 gzip` or `GOVSHARE-BACKUP/1 sm4-ctr+hmac-sm3`;
 * an encrypted file then has a JSON line {salt, iv, keyCheck}, the SM4-CTR ciphertext of the gzip stream, and
 * 32 bytes of HMAC-SM3 over everything before them (encrypt-then-MAC). Keys for SM4 and HMAC are derived from
 * the 32-byte backup key and the file's salt; keyCheck tells a wrong key apart from a changed file.
 */
const MAGIC = 'GOVSHARE-BACKUP/1';
const PLAIN = 'gzip';
const SEALED = 'sm4-ctr+hmac-sm3';
const TAG_BYTES = 32;
const HEAD_MAX = 4096;

interface SealHeader {
  salt: string;
  iv: string;
  keyCheck: string;
}

const hmacSm3 = (key: Buffer, ...parts: Buffer[]) => {
  const h = createHmac('sm3', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

function deriveKeys(key: Buffer, salt: Buffer) {
  const mac = hmacSm3(key, Buffer.from('govshare-backup/v1 hmac-sm3'), salt);
  return {
    enc: hmacSm3(key, Buffer.from('govshare-backup/v1 sm4-ctr'), salt).subarray(0, 16),
    mac,
    check: hmacSm3(mac, Buffer.from('key check')).toString('hex'),
  };
}

/** The file's bytes: the header, then the content as is, or encrypted and followed by its MAC. */
export async function* envelope(content: AsyncIterable<Buffer>, key: Buffer | undefined): AsyncGenerator<Buffer> {
  if (!key) {
    yield Buffer.from(`${MAGIC} ${PLAIN}\n`);
    yield* content;
    return;
  }
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const k = deriveKeys(key, salt);
  const header: SealHeader = { salt: salt.toString('hex'), iv: iv.toString('hex'), keyCheck: k.check };
  const head = Buffer.from(`${MAGIC} ${SEALED}\n${JSON.stringify(header)}\n`);
  const mac = createHmac('sm3', k.mac);
  mac.update(head);
  yield head;
  const cipher = createCipheriv('sm4-ctr', k.enc, iv);
  for await (const chunk of content) {
    const out = cipher.update(chunk);
    mac.update(out);
    yield out;
  }
  const last = cipher.final();
  mac.update(last);
  if (last.length) yield last;
  yield mac.digest();
}

export interface OpenedBackup {
  encrypted: boolean;
  /** Reads the whole file and checks its MAC (encrypted files; plain ones have only their manifest's checksums). */
  authenticate(): Promise<void>;
  /** The gzip stream inside: decrypted when the file is encrypted. */
  content(): AsyncIterable<Buffer>;
}

export async function openBackupFile(file: string, key: Buffer | undefined): Promise<OpenedBackup> {
  const size = (await stat(file)).size;
  const handle = await open(file, 'r');
  const buf = Buffer.alloc(Math.min(HEAD_MAX, size));
  try {
    await handle.read(buf, 0, buf.length, 0);
  } finally {
    await handle.close();
  }
  const nl1 = buf.indexOf(10);
  const first = nl1 >= 0 ? buf.toString('utf8', 0, nl1) : '';
  if (first === `${MAGIC} ${PLAIN}`) {
    return {
      encrypted: false,
      authenticate: () => Promise.resolve(),
      content: () => createReadStream(file, { start: nl1 + 1 }),
    };
  }
  if (first !== `${MAGIC} ${SEALED}`) throw backupErrors.notABackup();
  if (!key) throw backupErrors.keyRequired();
  const nl2 = buf.indexOf(10, nl1 + 1);
  if (nl2 < 0) throw backupErrors.altered('header');
  let header: SealHeader;
  try {
    header = JSON.parse(buf.toString('utf8', nl1 + 1, nl2)) as SealHeader;
  } catch {
    throw backupErrors.altered('header');
  }
  const salt = Buffer.from(String(header.salt), 'hex');
  const iv = Buffer.from(String(header.iv), 'hex');
  if (salt.length !== 16 || iv.length !== 16) throw backupErrors.altered('header');
  const k = deriveKeys(key, salt);
  const check = Buffer.from(String(header.keyCheck), 'hex');
  const expected = Buffer.from(k.check, 'hex');
  if (check.length !== expected.length || !timingSafeEqual(check, expected)) throw backupErrors.wrongKey();
  const bodyStart = nl2 + 1;
  const tagStart = size - TAG_BYTES;
  if (tagStart < bodyStart) throw backupErrors.altered('length');
  // createReadStream's end is inclusive; an empty range is read as nothing.
  const range = (start: number, end: number) =>
    end > start ? createReadStream(file, { start, end: end - 1 }) : (async function* () {})();

  return {
    encrypted: true,
    async authenticate() {
      const mac = createHmac('sm3', k.mac);
      for await (const c of range(0, tagStart)) mac.update(c as Buffer);
      const chunks: Buffer[] = [];
      for await (const c of range(tagStart, size)) chunks.push(c as Buffer);
      const got = Buffer.concat(chunks);
      if (got.length !== TAG_BYTES || !timingSafeEqual(got, mac.digest())) throw backupErrors.altered('HMAC-SM3');
    },
    async *content() {
      const decipher = createDecipheriv('sm4-ctr', k.enc, iv);
      for await (const c of range(bodyStart, tagStart)) yield decipher.update(c as Buffer);
      const last = decipher.final();
      if (last.length) yield last;
    },
  };
}
