import type { AppContext } from '../../app-context';
import { secrets } from '../crypto/key-ring';

/**
 * The fingerprint key: the keyed digest (HMAC-SM3 under the lookup key) of a label of its own. The
 * lookup key is kept when the master key is rotated (only re-wrapped), as it must be for files
 * downloaded years ago to still decode. Whoever holds it can find and scrub the marks, so it never
 * leaves the server.
 */
const LABEL = 'govshare/download-fingerprint/v1';

export async function fingerprintKey(ctx: Pick<AppContext, 'db' | 'config'>): Promise<Buffer> {
  return Buffer.from(await secrets(ctx).lookupDigest(LABEL), 'hex');
}
