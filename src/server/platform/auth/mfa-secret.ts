import type { AppContext } from '../../app-context';
import { isSealed, secrets } from '../crypto/key-ring';
import type { SealedColumn } from '../crypto/sealed-columns';

/**
 * A user's TOTP secret, sealed like every stored secret: whoever reads the table cannot make
 * the user's codes. Secrets stored before were kept in clear; they still work, and the next data-key
 * rotation seals them (plainLegacy).
 */
const sealContext = (userId: string) => `app_user:${userId}:mfa_secret`;

export const sealMfaSecret = (ctx: AppContext, userId: string, secret: string) =>
  secrets(ctx).seal(secret, sealContext(userId));

export const openMfaSecret = async (ctx: AppContext, userId: string, stored: string) =>
  isSealed(stored) ? secrets(ctx).open(stored, sealContext(userId)) : stored;

export const mfaSealedColumn: SealedColumn = {
  table: 'app_user',
  key: ['id'],
  column: 'mfa_secret',
  plainLegacy: true,
  context: (k) => sealContext(k.id!),
};
