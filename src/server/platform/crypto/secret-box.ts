import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config';
import { AppError } from '../errors';

/**
 * sensitive values stored encrypted with SM4 (GB/T 32907), the key kept outside the database.
 * SM4-CBC then HMAC-SM3 over header, IV, ciphertext and the caller's context (encrypt-then-MAC),
 * because node:crypto has no SM4-GCM and CBC alone would let a tampered value decrypt to garbage.
 * Text form: `<header>:<base64 iv>:<base64 ciphertext>:<base64 mac>`. The header `gs1` is the first
 * form, sealed with keys derived from the master key itself; `gs2:<kid>` names the data key that
 * sealed it (envelope encryption, key-ring.ts). The box is the same, only its key and header differ.
 */

const LEGACY_HEADER = 'gs1';
const KEY_BYTES = 32;

export const hmacSm3 = (key: Buffer, ...parts: Buffer[]) => {
  const h = createHmac('sm3', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** HKDF (RFC 5869) with HMAC-SM3, one output block: distinct labels give independent keys. */
export function deriveKey(master: Buffer, label: string, bytes: number): Buffer {
  const prk = hmacSm3(Buffer.from('govshare/secret-box/v1'), master);
  return hmacSm3(prk, Buffer.from(label), Buffer.from([1])).subarray(0, bytes);
}

const badSecret = () =>
  new AppError(
    500,
    'SECRET_INVALID',
    'A stored secret failed its integrity check (wrong key or altered value)',
    '密文完整性校验失败（密钥不符或密文被篡改）',
  );

export class SecretBox {
  readonly #encKey: Buffer;
  readonly #macKey: Buffer;
  readonly #lookupKey: Buffer;
  readonly #header: string;

  /** `header` names the form and the key (`gs1`, or `gs2:<kid>` for a data key); the MAC covers it. */
  constructor(masterKey: Buffer, header = LEGACY_HEADER) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`secret-box master key must be ${KEY_BYTES} bytes`);
    this.#header = header;
    this.#encKey = deriveKey(masterKey, 'sm4-cbc encryption', 16);
    this.#macKey = deriveKey(masterKey, 'hmac-sm3 authentication', 32);
    this.#lookupKey = deriveKey(masterKey, 'hmac-sm3 lookup digest', 32);
  }

  /**
   * A keyed digest (HMAC-SM3, hex) to find a sealed value by equality, e.g. "this identity number is
   * registered already". Keyed because a plain hash of a 身份证号 is reversed by trying every one.
   */
  lookupDigest(plain: string): string {
    return hmacSm3(this.#lookupKey, Buffer.from(plain, 'utf8')).toString('hex');
  }

  /** context binds the value to where it is stored, so a ciphertext copied to another row does not open. */
  seal(plain: string, context = ''): string {
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', this.#encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const mac = this.#mac(iv, ct, context);
    return [this.#header, iv.toString('base64'), ct.toString('base64'), mac.toString('base64')].join(':');
  }

  open(text: string, context = ''): string {
    const parts = text.startsWith(`${this.#header}:`) ? text.slice(this.#header.length + 1).split(':') : [];
    if (parts.length !== 3) {
      throw new AppError(500, 'SECRET_FORMAT', 'Unknown secret format or version', '无法识别的密文格式或版本');
    }
    const [iv, ct, mac] = parts.map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
    const expected = this.#mac(iv, ct, context);
    if (iv.length !== 16 || mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw badSecret();
    try {
      const decipher = createDecipheriv('sm4-cbc', this.#encKey, iv);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw badSecret();
    }
  }

  #mac(iv: Buffer, ct: Buffer, context: string): Buffer {
    const ctx = Buffer.from(context, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(ctx.length);
    // Lengths framed so that (context, iv, ct) splits cannot be shifted into one another.
    return hmacSm3(this.#macKey, Buffer.from(this.#header), len, ctx, iv, ct);
  }
}

export function parseHexKey(hex: string, where: string): Buffer {
  const v = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(v)) {
    throw new AppError(
      500,
      'SECRET_KEY_INVALID',
      `${where} must hold 64 hex characters (32 bytes)`,
      `${where} 须为 64 位十六进制字符（32 字节）`,
    );
  }
  return Buffer.from(v, 'hex');
}

/** The key file of the embedded database: made on first use, readable by the server's user only. */
function readOrCreateKeyFile(file: string): Buffer {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return parseHexKey(fs.readFileSync(file, 'utf8'), 'GOVSHARE_KEY_FILE');
}

/**
 * GOVSHARE_SECRET_KEY, else GOVSHARE_KEY_FILE, else (embedded database only) <dataDir>/secret.key.
 * With PostgreSQL a generated key would sit beside a database it could be backed up with, and a
 * second server would make its own: there the key must be configured.
 */
export function loadMasterKey(config: Pick<Config, 'secretKey' | 'keyFile' | 'databaseUrl' | 'dataDir'>): Buffer {
  if (config.secretKey) return parseHexKey(config.secretKey, 'GOVSHARE_SECRET_KEY');
  if (config.keyFile) {
    if (!fs.existsSync(config.keyFile)) {
      throw new AppError(
        500,
        'SECRET_KEY_FILE_MISSING',
        'The key file named by GOVSHARE_KEY_FILE does not exist',
        'GOVSHARE_KEY_FILE 指定的密钥文件不存在',
      );
    }
    return parseHexKey(fs.readFileSync(config.keyFile, 'utf8'), 'GOVSHARE_KEY_FILE');
  }
  if (!config.databaseUrl) return readOrCreateKeyFile(path.join(config.dataDir, 'secret.key'));
  throw new AppError(
    500,
    'SECRET_KEY_NOT_CONFIGURED',
    'No encryption key configured: set GOVSHARE_SECRET_KEY (64 hex characters) or GOVSHARE_KEY_FILE',
    '未配置加密主密钥：请设置 GOVSHARE_SECRET_KEY（64 位十六进制）或 GOVSHARE_KEY_FILE',
  );
}

const boxes = new WeakMap<object, SecretBox>();

/**
 * The `gs1` box of the configured master key: opens values sealed before envelope encryption.
 * New values are sealed through `secrets(ctx)` (key-ring.ts). The key is read at first use, not at
 * start, so servers without secrets need none.
 */
export function secretBox(config: Config): SecretBox {
  let box = boxes.get(config);
  if (!box) boxes.set(config, (box = new SecretBox(loadMasterKey(config))));
  return box;
}
