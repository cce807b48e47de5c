import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { secrets } from './key-ring';
import type { SealedColumn } from './sealed-columns';
import { sm3Hex } from './sm3';
import * as repo from './instance-keys-repo';
import { generateSm2KeyPair, sm2PublicKeyPem, sm2Sign, sm2Verify, type Sm2KeyPair } from './sm2';

/**
 * The platform instance's SM2 key: made on first use, its private half sealed with the master
 * key; rotated by `rotateInstanceKey` (the old one retired, still published, so what it signed still
 * verifies). A signature names its key by `kid`, the first 16 hex digits of the SM3 of the public key.
 */

export interface InstanceSignature {
  kid: string;
  algorithm: 'SM2';
  /** DER, hex (GB/T 32918.2 with SM3 and the default identity 1234567812345678). */
  signature: string;
  /** The signing key's public half (04‖x‖y, hex), so that a file carries what verifies it. */
  publicKey: string;
}

const kidOf = (publicKey: string) => sm3Hex(Buffer.from(publicKey, 'hex')).slice(0, 16);
const sealContext = (kid: string) => `instance_key:${kid}`;

/** Where the private halves are sealed (a data-key rotation re-encrypts them). */
export const instanceKeySealedColumn: SealedColumn = {
  table: 'instance_key',
  key: ['kid'],
  column: 'private_key_sealed',
  context: (k) => sealContext(k.kid!),
};

async function addKey(ctx: AppContext): Promise<void> {
  const pair = generateSm2KeyPair();
  const kid = kidOf(pair.publicKey);
  await repo.insertCurrentKey(ctx.db, {
    kid,
    public_key: pair.publicKey,
    private_key_sealed: await secrets(ctx).seal(pair.privateKey, sealContext(kid)),
    retired_at: null,
  });
}

async function currentPair(ctx: AppContext): Promise<{ kid: string; pair: Sm2KeyPair }> {
  let row = await repo.currentKey(ctx.db);
  if (!row) {
    // Two processes may both find none: the one-current index keeps the first, the other reads it.
    await addKey(ctx);
    row = (await repo.currentKey(ctx.db))!;
  }
  const privateKey = await secrets(ctx).open(row.private_key_sealed, sealContext(row.kid));
  return { kid: row.kid, pair: { publicKey: row.public_key, privateKey } };
}

export async function signAsInstance(ctx: AppContext, data: string | Uint8Array): Promise<InstanceSignature> {
  const { kid, pair } = await currentPair(ctx);
  return { kid, algorithm: 'SM2', signature: sm2Sign(data, pair), publicKey: pair.publicKey };
}

/** true when `kid` is one of this instance's keys, current or retired, and the signature verifies. */
export async function verifyInstanceSignature(
  ctx: AppContext,
  data: string | Uint8Array,
  sig: Pick<InstanceSignature, 'kid' | 'signature'>,
): Promise<boolean> {
  const row = await repo.findKey(ctx.db, sig.kid);
  return !!row && sm2Verify(data, sig.signature, row.public_key);
}

/** A new current key; the old one retired (still published). */
export async function rotateInstanceKey(ctx: AppContext): Promise<string> {
  return inTransaction(ctx, async (trx) => {
    const tctx = { ...ctx, db: trx };
    await repo.retireCurrentKey(trx, ctx.clock.now());
    await addKey(tctx);
    return (await repo.currentKey(trx))!.kid;
  });
}

/** The public keys for the well-known document, the current one first (made now if none yet). */
export async function publishedKeys(ctx: AppContext) {
  await currentPair(ctx);
  return (await repo.allKeys(ctx.db)).map((k) => ({
    kid: k.kid,
    algorithm: k.algorithm,
    publicKey: k.public_key,
    pem: sm2PublicKeyPem(k.public_key),
    createdAt: k.created_at.toISOString(),
    retiredAt: k.retired_at?.toISOString() ?? null,
  }));
}
