import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import type { Synonyms } from './search-query';
import * as repo from './synonyms-repo';

/**
 * The synonym and abbreviation dictionary of search (社保 ↔ 社会保险), edited by the platform. Every
 * query reads it, so each process keeps it for a short while: an edit shows at once in the process
 * that made it and within CACHE_MS elsewhere.
 */
const CACHE_MS = 30_000;
/** Per database (tests run several apps in one process); weak, so a closed database is not kept alive. */
let cached = new WeakMap<object, { at: number; map: Synonyms }>();

function toMap(groups: string[][]): Synonyms {
  const map = new Map<string, string[]>();
  for (const g of groups)
    for (const term of g) {
      const others = g.filter((x) => x !== term);
      map.set(term, [...new Set([...(map.get(term) ?? []), ...others])]);
    }
  return map;
}

export async function synonymsOf(ctx: AppContext): Promise<Synonyms> {
  const hit = cached.get(ctx.db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.map;
  const groups = await repo.listSynonymGroups(ctx.db);
  const map = toMap(groups.map((g) => g.terms.map((t) => t.toLowerCase())));
  cached.set(ctx.db, { at: Date.now(), map });
  return map;
}

export async function listSynonyms(ctx: AppContext): Promise<{ groups: string[][]; updatedAt: string | null }> {
  const rows = await repo.listSynonymGroups(ctx.db);
  const last = rows.reduce<Date | null>((a, r) => (!a || r.updated_at > a ? r.updated_at : a), null);
  return { groups: rows.map((r) => r.terms), updatedAt: last?.toISOString() ?? null };
}

export async function saveSynonyms(ctx: AppContext, actor: Actor, input: string[][]) {
  const groups = input.map((g) => [...new Set(g.map((t) => t.trim()).filter(Boolean))]);
  const seen = new Map<string, number>();
  groups.forEach((g, i) => {
    if (g.length < 2)
      throw badRequest(
        'CATALOG_SYNONYM_GROUP_TOO_SMALL',
        `Group ${i + 1} needs at least two different words`,
        `第${i + 1}组至少需要两个不同的词`,
        { group: i },
      );
    for (const t of g) {
      const before = seen.get(t.toLowerCase());
      if (before !== undefined)
        throw badRequest(
          'CATALOG_SYNONYM_DUPLICATE',
          `"${t}" is in groups ${before + 1} and ${i + 1}: merge them`,
          `“${t}”同时出现在第${before + 1}组和第${i + 1}组，请合并为一组`,
          { group: i, term: t },
        );
      seen.set(t.toLowerCase(), i);
    }
  });
  await inTransaction(ctx, (db) => repo.replaceSynonymGroups(db, groups, actor.userId, ctx.clock.now()));
  cached = new WeakMap();
  return listSynonyms(ctx);
}
