import type { AppContext, Db } from '../../app-context';
import { inTransactionOf } from '../../db/tx';
import { AppError } from '../errors';
import * as keys from './data-keys-repo';
import { KeyRing, isSealed, keyRingOf, masterKeyOf } from './key-ring';
import { sealedColumnName, sealedColumns, type SealedColumn } from './sealed-columns';
import * as values from './sealed-values-repo';

/**
 * Key rotation while the platform runs. Readers never fail: a superseded data key stays in
 * the table (a running server that meets a value it has not seen loads its key), every value is
 * rewritten only where it is still the one read, and a run that stops half-way is finished by the
 * next one.
 */

export interface DataKeyRotation {
  /** The data key everything is sealed with now. */
  kid: string;
  /** A previous run had been interrupted: this one finished it instead of making another key. */
  resumed: boolean;
  reencrypted: number;
  retired: string[];
}

export interface RotationOptions {
  batchSize?: number;
  /** Called after each committed batch (progress; tests interrupt a run here). */
  onBatch?: (column: string, done: number) => void | Promise<void>;
}

/**
 * Makes a new data key current and re-encrypts every registered sealed value with it, in batches,
 * then retires the keys nothing uses any more. If an earlier run was interrupted (superseded keys
 * not yet retired) it resumes that one instead of starting another.
 */
export async function rotateDataKey(ctx: AppContext, opts: RotationOptions = {}): Promise<DataKeyRotation> {
  const ring = keyRingOf(ctx.config);
  const resumed = (await keys.supersededKeys(ctx.db)).length > 0;
  if (!resumed) {
    await inTransactionOf(ctx.db, async (trx) => {
      await keys.supersedeCurrent(trx, 'data', ctx.clock.now());
      await ring.addKey(trx, 'data');
    });
  }
  const kid = await ring.currentKid(ctx.db, 'data');
  const reencrypted = await reencrypt(ctx, ring, kid, kid, opts);
  return { kid, resumed, reencrypted, retired: await retireUnused(ctx, kid) };
}

export interface MasterKeyRotation {
  from: string;
  to: string;
  rewrapped: string[];
  /** Values still in the first form (sealed with the master key itself), moved under the data key first. */
  reencrypted: number;
}

/**
 * Re-wraps every data key (the lookup key too) with the configured master key, given the previous
 * one. Values stay as they are, except those still in the `gs1` form (sealed with the previous
 * master key directly): they are re-encrypted with the current data key first, so that afterwards
 * the previous master key opens nothing. Running it again after it finished changes nothing.
 */
export async function rotateMasterKey(
  ctx: AppContext,
  previousKey: Buffer,
  opts: RotationOptions = {},
): Promise<MasterKeyRotation> {
  const current = keyRingOf(ctx.config).master;
  const previous = masterKeyOf(previousKey);
  if (previous.fingerprint === current.fingerprint) {
    throw new AppError(
      400,
      'SECRET_KEY_UNCHANGED',
      'The previous master key is the configured one: set GOVSHARE_SECRET_KEY to the new key',
      '原主密钥与当前配置的主密钥相同：请将 GOVSHARE_SECRET_KEY 设为新主密钥',
    );
  }
  const ring = new KeyRing([current, previous]);
  const all = await keys.allKeys(ctx.db);
  const foreign = all.filter(
    (k) => k.master_fingerprint !== current.fingerprint && k.master_fingerprint !== previous.fingerprint,
  );
  if (foreign.length) {
    throw new AppError(
      400,
      'SECRET_KEY_MISMATCH',
      `Data keys ${foreign.map((k) => k.kid).join(', ')} are wrapped by neither master key given (${foreign[0]!.master_fingerprint})`,
      `数据密钥 ${foreign.map((k) => k.kid).join('、')} 不是由所给的任一主密钥加密保护的`,
    );
  }
  // Made now if missing, wrapped by the new key: no process still holding the previous one makes them later.
  await ring.currentKid(ctx.db, 'lookup');
  const kid = await ring.currentKid(ctx.db, 'data');
  const reencrypted = await reencrypt(ctx, ring, kid, null, opts);
  const rewrapped: string[] = [];
  // One transaction: a reader sees every key wrapped by the old master key, or every one by the new.
  await inTransactionOf(ctx.db, async (trx) => {
    for (const k of await keys.allKeys(trx)) {
      if (k.master_fingerprint !== previous.fingerprint) continue;
      const wrapped = ring.wrap(k.kid, k.purpose, ring.unwrap(k));
      if (await keys.rewrap(trx, k.kid, previous.fingerprint, wrapped, current.fingerprint)) rewrapped.push(k.kid);
    }
  });
  return { from: previous.fingerprint, to: current.fingerprint, rewrapped, reencrypted };
}

/** Re-encrypts with data key `kid` the values not sealed with `stale` (or, null, those in the gs1 form). */
async function reencrypt(
  ctx: AppContext,
  ring: KeyRing,
  kid: string,
  stale: string | null,
  opts: RotationOptions,
): Promise<number> {
  const batch = opts.batchSize ?? 200;
  let total = 0;
  for (const c of sealedColumns()) {
    let done = 0;
    for (;;) {
      const found = await values.staleValues(ctx.db, c, stale, batch);
      if (!found.length) break;
      const n = await inTransactionOf(ctx.db, async (trx) => {
        let changed = 0;
        for (const v of found) {
          const context = c.context(v.key);
          const plain = await openOrExplain(ring, trx, c, v, context);
          if (await values.replaceValue(trx, c, v, await ring.sealWith(trx, kid, plain, context))) changed++;
        }
        return changed;
      });
      done += n;
      await opts.onBatch?.(sealedColumnName(c), done);
    }
    total += done;
  }
  return total;
}

async function openOrExplain(ring: KeyRing, db: Db, c: SealedColumn, v: values.SealedValue, context: string) {
  if (c.plainLegacy && !isSealed(v.sealed)) return v.sealed;
  try {
    return await ring.open(db, v.sealed, context);
  } catch (e) {
    throw new AppError(
      500,
      'SECRET_ROTATION_UNREADABLE',
      `${sealedColumnName(c)} ${JSON.stringify(v.key)} does not open: ${(e as Error).message}`,
      `${sealedColumnName(c)} ${JSON.stringify(v.key)} 无法解密，轮换已停止`,
    );
  }
}

/** Retires the superseded data keys that no value names any more. */
async function retireUnused(ctx: AppContext, currentKid: string): Promise<string[]> {
  const inUse = new Set<string>();
  for (const c of sealedColumns()) for (const k of (await values.countByKey(ctx.db, c)).keys()) inUse.add(k);
  const unused = (await keys.supersededKeys(ctx.db)).map((k) => k.kid).filter((k) => k !== currentKid && !inUse.has(k));
  await keys.retire(ctx.db, unused, ctx.clock.now());
  return unused;
}

/** The keys and how many values each seals, per column (`govshare keys status`). */
export async function keyStatus(ctx: AppContext) {
  const counts = new Map<string, number>();
  for (const c of sealedColumns())
    for (const [kid, n] of await values.countByKey(ctx.db, c)) counts.set(kid, (counts.get(kid) ?? 0) + n);
  const configured = keyRingOf(ctx.config).master.fingerprint;
  return {
    masterFingerprint: configured,
    keys: (await keys.allKeys(ctx.db)).map((k) => ({
      kid: k.kid,
      purpose: k.purpose,
      masterFingerprint: k.master_fingerprint,
      createdAt: k.created_at.toISOString(),
      supersededAt: k.superseded_at?.toISOString() ?? null,
      retiredAt: k.retired_at?.toISOString() ?? null,
      values: k.purpose === 'data' ? (counts.get(k.kid) ?? 0) : null,
    })),
    legacyValues: counts.get('gs1') ?? 0,
  };
}
