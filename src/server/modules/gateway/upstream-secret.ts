import type { AppContext } from '../../app-context';
import { secrets } from '../../platform/crypto/key-ring';

/** An upstream's authentication secret, sealed with SM4 and bound to its entry. */
export const sealContext = (entryId: string) => `gw_upstream:${entryId}`;

export const sealAuthSecret = (ctx: AppContext, entryId: string, plain: string) =>
  secrets(ctx).seal(plain, sealContext(entryId));

export const openAuthSecret = (ctx: AppContext, entryId: string, sealed: string) =>
  secrets(ctx).open(sealed, sealContext(entryId));
