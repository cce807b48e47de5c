import type { AppContext } from '../../app-context';
import { secretBox } from '../../platform/crypto/secret-box';

/** An upstream's authentication secret, sealed with SM4 and bound to its entry. */
const sealContext = (entryId: string) => `gw_upstream:${entryId}`;

export const sealAuthSecret = (ctx: AppContext, entryId: string, plain: string) =>
  secretBox(ctx.config).seal(plain, sealContext(entryId));

export const openAuthSecret = (ctx: AppContext, entryId: string, sealed: string) =>
  secretBox(ctx.config).open(sealed, sealContext(entryId));
