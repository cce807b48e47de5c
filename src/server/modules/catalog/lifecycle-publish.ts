import type { AppContext } from '../../app-context';
import { notify } from '../../platform/notify/service';
import { fulfilResponsibilitiesFor } from './demands-service';
import { publish } from '../../platform/events';
import { updateEntry } from './entries-repo';
import * as repo from './versions-repo';
import { consoleLink } from '../../../shared/console';

/**
 * Makes a version the entry's current one. Runs inside the caller's transaction (ctx.db is it):
 * the version before becomes superseded and stays readable; a deletion marks the entry deleted
 * (its code stays taken). Published versions are never changed again.
 */
export async function publishVersion(ctx: AppContext, versionId: string): Promise<void> {
  const v = await repo.findVersion(ctx.db, versionId);
  if (!v) throw new Error(`version ${versionId} vanished`);
  const now = ctx.clock.now();
  if (v.current_version_id && v.current_version_id !== v.id) {
    await repo.updateVersion(ctx.db, v.current_version_id, { status: 'superseded', updated_at: now });
  }
  await repo.updateVersion(ctx.db, v.id, {
    status: 'published',
    published_at: now,
    effective_at: v.effective_at ?? now,
    updated_at: now,
  });
  const deleted = v.change_kind === 'delete';
  await updateEntry(ctx.db, v.entry_id, {
    current_version_id: v.id,
    status: deleted ? 'deleted' : 'published',
    updated_at: now,
  });
  // publishing the entry a responsibility item asked for fulfils it.
  if (!deleted) await fulfilResponsibilitiesFor(ctx, v.entry_id);
  // the data resource center's table follows the new items, in a handler of its own (exchange-ingest).
  await publish(ctx, 'catalog.version.published', { entryId: v.entry_id, versionId: v.id, deleted });
  await notify(
    ctx,
    { role: 'dept_specialist', departmentId: v.provider_department_id },
    {
      kind: deleted ? 'catalog.deleted' : 'catalog.published',
      title: deleted ? `目录已删除：${v.name}` : `目录已发布：${v.name}（第${v.version_no}版）`,
      link: consoleLink(`/catalog/entries/${v.entry_id}`),
      payload: { versionId: v.id },
    },
  );
}
