import type { AppContext } from '../../app-context';
import { NONCE_WINDOW_MS } from './nonce-store';
import { deleteExpiredTokens } from './systems-repo';
import { deleteNoncesBefore } from './usage-repo';

/** Forgets nonces past the replay window and expired tokens: neither can be used any more. */
export async function sweepCredentials(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const nonces = await deleteNoncesBefore(ctx.db, new Date(now.getTime() - NONCE_WINDOW_MS));
  const tokens = await deleteExpiredTokens(ctx.db, now);
  if (nonces + tokens) ctx.log.info(`gateway: ${nonces} nonce(s) and ${tokens} token(s) swept`);
}
