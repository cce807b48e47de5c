import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { searchAuditEvents } from '../../platform/audit/service';
import { onPortal } from './portal-entry';
import * as repo from './portal-repo';
import { cardOfRow } from './portal-service';

/** R-34 user centre: the public user's favourites and the record of their downloads. */

export async function listFavourites(ctx: AppContext, actor: Actor, limit: number, offset: number) {
  const { rows, total } = await repo.favourites(ctx.db, actor.userId, limit, offset);
  return { items: rows.map((r) => ({ ...cardOfRow(r), favouredAt: r.favoured_at.toISOString() })), total };
}

/** Keeps or drops a dataset on the portal; only what the public can see can be kept. */
export async function setFavourite(ctx: AppContext, actor: Actor, code: string, on: boolean) {
  const { row } = await onPortal(ctx, code);
  await repo.setFavourite(ctx.db, actor.userId, row.entry_id, on);
  return { favourite: on };
}

export async function favouriteState(ctx: AppContext, actor: Actor, code: string) {
  const { row } = await onPortal(ctx, code);
  return { favourite: await repo.isFavourite(ctx.db, actor.userId, row.entry_id) };
}

/** Data the user took: the audit log already records every finished download and API read with its rows. */
const TAKEN = ['open.data.download.end', 'open.api.records'];

export async function listDownloads(ctx: AppContext, actor: Actor, limit: number, offset: number) {
  const { rows, total } = await searchAuditEvents(
    ctx,
    { userId: actor.userId, actions: TAKEN, outcome: 'success' },
    limit,
    offset,
  );
  return {
    items: rows.map((r) => {
      const detail = (r.detail ?? {}) as { format?: unknown };
      const api = r.action === 'open.api.records';
      return {
        at: r.at.toISOString(),
        via: api ? ('api' as const) : ('download' as const),
        code: r.target_id,
        name: r.target_name,
        format: api ? 'json' : typeof detail.format === 'string' ? detail.format : null,
        rows: r.row_count,
      };
    }),
    total,
  };
}
