import { randomBytes } from 'node:crypto';
import type { AppContext, Db } from '../../app-context';
import type { Config } from '../../config';
import type { Selectable } from 'kysely';
import type { DataKeyTable } from '../../db/types';
import { AppError } from '../errors';
import * as repo from './data-keys-repo';
import { SecretBox, deriveKey, hmacSm3, loadMasterKey } from './secret-box';
import { sm3Hex } from './sm3';

/**
 * Envelope encryption. Values are sealed with an SM4 data key (DEK) kept in table data_key,
 * wrapped by a key-encryption key (KEK) derived from the master key; the sealed text names its DEK
 * (`gs2:<kid>:…`). Rotating the DEK re-encrypts values (key-rotation.ts), rotating the master key
 * re-wraps the DEKs alone. Values sealed before this (`gs1:…`, keys derived from the master key
 * directly) still open.
 *
 * A process keeps the DEKs it unwrapped: every one at its first use, and any it meets later (made by
 * a rotation in another process) when it meets it. The current DEK is asked of the database at each
 * seal (seals are rare), so a rotation elsewhere is followed at once.
 */

type DataKeyRow = Selectable<DataKeyTable>;
export type KeyPurpose = DataKeyRow['purpose'];

/** A master key and what is derived from it. */
export interface MasterKey {
  /** First 16 hex digits of the SM3 of a key derived for the purpose: names the key, reveals nothing of it. */
  fingerprint: string;
  /** Wraps the DEKs. */
  kek: SecretBox;
  /** Opens `gs1` values. */
  legacy: SecretBox;
  /** What the lookup key was before it was kept wrapped: the digests made then stay valid. */
  legacyLookupKey: Buffer;
}

export function masterKeyOf(master: Buffer): MasterKey {
  return {
    fingerprint: sm3Hex(deriveKey(master, 'master key fingerprint', 32)).slice(0, 16),
    kek: new SecretBox(deriveKey(master, 'key-encryption key', 32), 'gsk1'),
    legacy: new SecretBox(master),
    legacyLookupKey: deriveKey(master, 'hmac-sm3 lookup digest', 32),
  };
}

const wrapContext = (kid: string, purpose: KeyPurpose) => `data_key:${kid}:${purpose}`;
export const headerOf = (kid: string) => `gs2:${kid}`;
/** Whether a stored text is in a sealed form (else, in a plainLegacy column, the value in clear). */
export const isSealed = (text: string) => /^gs[12]:/.test(text);
/** The DEK a sealed text names, or null for the `gs1` form. */
export const kidOfSealed = (text: string): string | null => (text.startsWith('gs2:') ? text.split(':')[1]! : null);

const wrongMaster = (row: Pick<DataKeyRow, 'kid' | 'master_fingerprint'>, have: string[]) =>
  new AppError(
    500,
    'SECRET_KEY_MISMATCH',
    `Data key ${row.kid} is wrapped by master key ${row.master_fingerprint}; this process has ${have.join(', ')} (restart it with the current GOVSHARE_SECRET_KEY)`,
    `数据密钥 ${row.kid} 由主密钥 ${row.master_fingerprint} 加密保护，本进程的主密钥为 ${have.join('、')}（请以当前的 GOVSHARE_SECRET_KEY 重启）`,
  );

const unknownKey = (kid: string) =>
  new AppError(500, 'SECRET_KEY_UNKNOWN', `No data key ${kid}`, `数据密钥 ${kid} 不存在`);

export class KeyRing {
  /** Unwrapped keys by kid: a data key's box, or the lookup key. */
  readonly #keys = new Map<string, SecretBox | Buffer>();
  #loadedAll = false;
  /** The lookup key is re-wrapped but never replaced (its digests are stored), so its kid is asked once. */
  #lookupKid: string | undefined;

  /** `masters[0]` wraps new keys; any of them unwraps (a master-key rotation holds the new and the previous). */
  constructor(readonly masters: MasterKey[]) {}

  get master(): MasterKey {
    return this.masters[0]!;
  }

  async seal(db: Db, plain: string, context: string): Promise<string> {
    const kid = await this.currentKid(db, 'data');
    return this.sealWith(db, kid, plain, context);
  }

  async sealWith(db: Db, kid: string, plain: string, context: string): Promise<string> {
    return (await this.#box(db, kid)).seal(plain, context);
  }

  async open(db: Db, text: string, context: string): Promise<string> {
    const kid = kidOfSealed(text);
    if (kid) return (await this.#box(db, kid)).open(text, context);
    return this.#openLegacy(text, context);
  }

  /** A keyed digest (HMAC-SM3, hex) to find a sealed value by equality; see SecretBox.lookupDigest. */
  async lookupDigest(db: Db, plain: string): Promise<string> {
    this.#lookupKid ??= await this.currentKid(db, 'lookup');
    const key = await this.#key(db, this.#lookupKid);
    return hmacSm3(key as Buffer, Buffer.from(plain, 'utf8')).toString('hex');
  }

  /** The current key of a purpose, made on first use (two processes racing: the first one made is kept). */
  async currentKid(db: Db, purpose: KeyPurpose): Promise<string> {
    const row = await repo.currentKey(db, purpose);
    if (row) return row.kid;
    await this.addKey(db, purpose);
    return (await repo.currentKey(db, purpose))!.kid;
  }

  /** A new key wrapped by the first master key; current unless another is (a rotation supersedes first). */
  async addKey(db: Db, purpose: KeyPurpose): Promise<void> {
    const kid = randomBytes(8).toString('hex');
    // The first lookup key is the one digests were made with before keys were wrapped: derived from
    // the oldest master key this ring holds (the previous one, during a master-key rotation).
    const key = purpose === 'lookup' ? this.masters.at(-1)!.legacyLookupKey : randomBytes(32);
    await repo.insertKey(db, {
      kid,
      purpose,
      wrapped: this.wrap(kid, purpose, key),
      master_fingerprint: this.master.fingerprint,
    });
  }

  wrap(kid: string, purpose: KeyPurpose, key: Buffer): string {
    return this.master.kek.seal(key.toString('hex'), wrapContext(kid, purpose));
  }

  /** The raw key of a row, unwrapped by whichever of this ring's master keys wrapped it. */
  unwrap(row: Pick<DataKeyRow, 'kid' | 'purpose' | 'wrapped' | 'master_fingerprint'>): Buffer {
    const m = this.masters.find((k) => k.fingerprint === row.master_fingerprint);
    if (!m)
      throw wrongMaster(
        row,
        this.masters.map((k) => k.fingerprint),
      );
    return Buffer.from(m.kek.open(row.wrapped, wrapContext(row.kid, row.purpose)), 'hex');
  }

  #openLegacy(text: string, context: string): string {
    // A gs1 value does not name its master key: during a master-key rotation either may have sealed it.
    for (const m of this.masters.slice(1)) {
      try {
        return m.legacy.open(text, context);
      } catch {
        // the MAC did not match: not this key
      }
    }
    return this.master.legacy.open(text, context);
  }

  async #box(db: Db, kid: string): Promise<SecretBox> {
    const key = await this.#key(db, kid);
    if (!(key instanceof SecretBox)) throw unknownKey(kid);
    return key;
  }

  async #key(db: Db, kid: string): Promise<SecretBox | Buffer> {
    let key = this.#keys.get(kid);
    if (key) return key;
    if (!this.#loadedAll) {
      // Every key at first use, so that a master-key rotation later finds them all in memory.
      this.#loadedAll = true;
      for (const row of await repo.allKeys(db)) {
        if (this.masters.some((m) => m.fingerprint === row.master_fingerprint)) this.#remember(row);
      }
      key = this.#keys.get(kid);
      if (key) return key;
    }
    const row = await repo.findKey(db, kid);
    if (!row) throw unknownKey(kid);
    return this.#remember(row);
  }

  #remember(row: DataKeyRow): SecretBox | Buffer {
    const raw = this.unwrap(row);
    const key = row.purpose === 'data' ? new SecretBox(raw, headerOf(row.kid)) : raw;
    this.#keys.set(row.kid, key);
    return key;
  }
}

const rings = new WeakMap<Config, KeyRing>();

/** The key ring of this process's configured master key (read at first use: servers without secrets need none). */
export function keyRingOf(config: Config): KeyRing {
  let ring = rings.get(config);
  if (!ring) rings.set(config, (ring = new KeyRing([masterKeyOf(loadMasterKey(config))])));
  return ring;
}

/** Sealing and opening stored secrets, for services: `await secrets(ctx).seal(value, context)`. */
export interface Secrets {
  /** context binds the value to where it is stored, so a ciphertext copied to another row does not open. */
  seal(plain: string, context: string): Promise<string>;
  open(text: string, context: string): Promise<string>;
  lookupDigest(plain: string): Promise<string>;
}

export function secrets(ctx: Pick<AppContext, 'db' | 'config'>): Secrets {
  const ring = keyRingOf(ctx.config);
  return {
    seal: (plain, context) => ring.seal(ctx.db, plain, context),
    open: (text, context) => ring.open(ctx.db, text, context),
    lookupDigest: (plain) => ring.lookupDigest(ctx.db, plain),
  };
}
