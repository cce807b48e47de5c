import { sm2 } from 'sm-crypto-v2';

/**
 * SM2 signatures as GB/T 32918.2 defines them: the message is hashed with SM3 together with Z,
 * the digest of the signer's identity and public key, then signed on the SM2 curve. Node's own 'SM2'
 * signing is plain ECDSA on that curve and does not verify elsewhere; sm-crypto-v2 does it right (the
 * tests verify its signatures with OpenSSL). Keys are hex: a 32-byte private scalar, an uncompressed
 * public point (04‖x‖y); signatures are DER (SEQUENCE of r, s) in hex, as OpenSSL reads them.
 */

/** The signer's identity in Z when none is agreed (GM/T 0009's default, OpenSSL's `distid`). */
export const SM2_USER_ID = '1234567812345678';

export interface Sm2KeyPair {
  publicKey: string;
  privateKey: string;
}

const bytes = (data: string | Uint8Array) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

export function generateSm2KeyPair(): Sm2KeyPair {
  const { publicKey, privateKey } = sm2.generateKeyPairHex();
  return { publicKey, privateKey };
}

export function sm2Sign(data: string | Uint8Array, key: Sm2KeyPair): string {
  return sm2.doSignature(bytes(data), key.privateKey, {
    der: true,
    hash: true,
    publicKey: key.publicKey,
    userId: SM2_USER_ID,
  });
}

export function sm2Verify(data: string | Uint8Array, signature: string, publicKey: string): boolean {
  if (!/^[0-9a-f]+$/i.test(signature) || !/^04[0-9a-f]{128}$/i.test(publicKey)) return false;
  try {
    return sm2.doVerifySignature(bytes(data), signature, publicKey, { der: true, hash: true, userId: SM2_USER_ID });
  } catch {
    return false; // a malformed DER signature is a signature that does not verify
  }
}

/** The SubjectPublicKeyInfo prefix of an SM2 key: id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301). */
const SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';

/** The public key as PEM (SubjectPublicKeyInfo): what OpenSSL and other tools read. */
export function sm2PublicKeyPem(publicKey: string): string {
  const der = Buffer.from(SPKI_PREFIX + publicKey, 'hex').toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
}
