import type { AppContext } from '../../app-context';
import { notFound } from '../../platform/errors';
import { entryIdByCode, publishedVersionOf } from '../catalog';
import * as portal from './portal-repo';

export interface PortalEntry {
  entryId: string;
  code: string;
  name: string;
  providerDepartmentId: string;
  providerName: string;
}

/**
 * The dataset behind a portal code while it is on the portal, else the 404 a code that does not exist
 * gets: feedback is only taken on what the public can see (R-33 decides that, not this module's tables).
 */
export async function portalEntry(ctx: AppContext, code: string): Promise<PortalEntry> {
  const { row, v } = await onPortal(ctx, code);
  return {
    entryId: row.entry_id,
    code: v.code,
    name: v.name,
    providerDepartmentId: v.providerDepartmentId,
    providerName: v.providerDepartmentName,
  };
}

/** The entry's portal row and its shown version while it is on the portal; the same 404 as a code that does not exist. */
export async function onPortal(ctx: AppContext, code: string) {
  const entryId = await entryIdByCode(ctx, code);
  const row = entryId ? await portal.openDataset(ctx.db, entryId) : undefined;
  const v = row ? await publishedVersionOf(ctx, row.entry_id) : null;
  if (!row || !v || v.openType === 'none') throw notFound('Open dataset', '开放数据集');
  return { row, v };
}
