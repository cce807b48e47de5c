import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { listClasses, iterateSearch } from '../catalog';
import { dataStatus } from './quality-repo';

/**
 * R-26 (Art 13): the base libraries (基础库: 人口, 法人, 自然资源和空间地理, 社会信用, 电子证照 — class 1)
 * and the theme libraries (主题库 — class 2), each the published resources of one 项, with how much
 * of their data the center holds.
 */
export type LibraryKind = 'base' | 'theme';

export interface Library {
  code: string;
  name: string;
  entries: Array<{
    entryId: string;
    code: string;
    name: string;
    providerName: string;
    shareType: string;
    updateCycle: string;
    /** Rows in the data resource center (last measurement); null when the center holds none. */
    rows: number | null;
    lastLoadAt: string | null;
  }>;
}

export async function listLibraries(ctx: AppContext, actor: Actor, kind: LibraryKind): Promise<Library[]> {
  const root = kind === 'base' ? '1' : '2';
  const classes = (await listClasses(ctx, 'active')).filter((c) => c.code.length === 3 && c.code.startsWith(root));
  const libraries = new Map<string, Library>(classes.map((c) => [c.code, { code: c.code, name: c.name, entries: [] }]));
  for await (const hit of iterateSearch(ctx, actor, { classCode: root, sort: 'name' })) {
    libraries.get(hit.classCode.slice(0, 3))?.entries.push({
      entryId: hit.entryId,
      code: hit.code,
      name: hit.name,
      providerName: hit.providerName,
      shareType: hit.shareType,
      updateCycle: hit.updateCycle,
      rows: null,
      lastLoadAt: null,
    });
  }
  const all = [...libraries.values()].flatMap((l) => l.entries);
  const status = new Map(
    (
      await dataStatus(
        ctx.db,
        all.map((e) => e.entryId),
      )
    ).map((s) => [s.entry_id, s]),
  );
  for (const e of all) {
    const s = status.get(e.entryId);
    e.rows = s?.rows == null ? null : Number(s.rows);
    e.lastLoadAt = s?.last_load ? new Date(s.last_load).toISOString() : null;
  }
  return [...libraries.values()];
}
