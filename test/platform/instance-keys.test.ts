import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { generateSm2KeyPair, sm2PublicKeyPem, sm2Sign, sm2Verify } from '../../src/server/platform/crypto/sm2';
import {
  rotateInstanceKey,
  signAsInstance,
  verifyInstanceSignature,
} from '../../src/server/platform/crypto/instance-keys';

/** R-44 (issue #15 point 2): SM2 per GB/T 32918, checked against OpenSSL, and the instance's published keys. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-sm2-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8' });
const MESSAGE = '审计检查点 seq 1..1000 head 5f1e…';

/** Verifies with OpenSSL's own SM2 (SM3 digest, the default identity): exit status 0 and "Verified OK". */
function opensslVerifies(pem: string, signatureHex: string, data: string): boolean {
  fs.writeFileSync(path.join(dir, 'key.pem'), pem);
  fs.writeFileSync(path.join(dir, 'sig.der'), Buffer.from(signatureHex, 'hex'));
  fs.writeFileSync(path.join(dir, 'data'), data);
  try {
    const args = ['-sm3', '-verify', 'key.pem', '-sigopt', 'distid:1234567812345678', '-signature', 'sig.der', 'data'];
    return openssl('dgst', ...args).includes('Verified OK');
  } catch {
    return false;
  }
}

describe('SM2 signatures (GB/T 32918.2)', () => {
  const key = generateSm2KeyPair();

  it('verify what they sign, and nothing else', () => {
    const sig = sm2Sign(MESSAGE, key);
    expect(sm2Verify(MESSAGE, sig, key.publicKey)).toBe(true);
    expect(sm2Verify(`${MESSAGE}.`, sig, key.publicKey)).toBe(false);
    expect(sm2Verify(MESSAGE, sig, generateSm2KeyPair().publicKey)).toBe(false);
    expect(sm2Verify(MESSAGE, `${sig.slice(0, -2)}00`, key.publicKey)).toBe(false);
    expect(sm2Verify(MESSAGE, 'not hex', key.publicKey)).toBe(false);
    expect(sm2Verify(MESSAGE, '3006020101020101', key.publicKey)).toBe(false);
    // Two signatures of one message differ (a fresh k each time) and both verify.
    const again = sm2Sign(MESSAGE, key);
    expect(again).not.toBe(sig);
    expect(sm2Verify(MESSAGE, again, key.publicKey)).toBe(true);
  });

  it('are what OpenSSL verifies, and verify what OpenSSL signs', () => {
    expect(opensslVerifies(sm2PublicKeyPem(key.publicKey), sm2Sign(MESSAGE, key), MESSAGE)).toBe(true);
    expect(opensslVerifies(sm2PublicKeyPem(key.publicKey), sm2Sign(`${MESSAGE}!`, key), MESSAGE)).toBe(false);

    openssl('genpkey', '-algorithm', 'SM2', '-out', 'theirs.pem');
    fs.writeFileSync(path.join(dir, 'data'), MESSAGE);
    const args = ['-sm3', '-sign', 'theirs.pem', '-sigopt', 'distid:1234567812345678', '-out', 'theirs.sig', 'data'];
    openssl('dgst', ...args);
    const spki = execFileSync('openssl', ['pkey', '-in', 'theirs.pem', '-pubout', '-outform', 'DER'], { cwd: dir });
    const publicKey = spki.subarray(-65).toString('hex');
    const theirs = fs.readFileSync(path.join(dir, 'theirs.sig')).toString('hex');
    expect(sm2Verify(MESSAGE, theirs, publicKey)).toBe(true);
    expect(sm2Verify(`${MESSAGE} `, theirs, publicKey)).toBe(false);
  });
});

describe("the instance's signing key", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  interface Published {
    keys: Array<{ kid: string; algorithm: string; publicKey: string; pem: string; retiredAt: string | null }>;
  }
  const published = async () => {
    const res = await t.inject({ method: 'GET', url: '/.well-known/govshare-keys.json' });
    expect(res.statusCode).toBe(200);
    return res.json<Published>();
  };

  it('is made once on first use, even by several callers at once, its private half sealed', async () => {
    const sigs = await Promise.all(Array.from({ length: 5 }, () => signAsInstance(t.ctx, MESSAGE)));
    expect(new Set(sigs.map((s) => s.kid)).size).toBe(1);
    const rows = await t.ctx.db.selectFrom('instance_key').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key_sealed).toMatch(/^gs2:[0-9a-f]{16}:/);
    // Published (without a session), and what it signed verifies with OpenSSL against that key.
    const doc = await published();
    expect(doc.keys).toEqual([expect.objectContaining({ kid: sigs[0]!.kid, algorithm: 'SM2', retiredAt: null })]);
    expect(JSON.stringify(doc)).not.toContain('gs2:');
    expect(opensslVerifies(doc.keys[0]!.pem, sigs[0]!.signature, MESSAGE)).toBe(true);
  });

  it('rotates: the new key signs, the retired one stays published and what it signed still verifies', async () => {
    const old = await signAsInstance(t.ctx, MESSAGE);
    const kid = await rotateInstanceKey(t.ctx);
    expect(kid).not.toBe(old.kid);
    const fresh = await signAsInstance(t.ctx, MESSAGE);
    expect(fresh.kid).toBe(kid);
    const doc = await published();
    expect(doc.keys.map((k) => [k.kid, k.retiredAt === null])).toEqual([
      [kid, true],
      [old.kid, false],
    ]);
    expect(await verifyInstanceSignature(t.ctx, MESSAGE, old)).toBe(true);
    expect(await verifyInstanceSignature(t.ctx, MESSAGE, fresh)).toBe(true);
    // A signature checked against the other key, or an unknown one, does not verify.
    expect(await verifyInstanceSignature(t.ctx, MESSAGE, { ...old, kid })).toBe(false);
    expect(await verifyInstanceSignature(t.ctx, MESSAGE, { ...old, kid: '0000000000000000' })).toBe(false);
  });
});
