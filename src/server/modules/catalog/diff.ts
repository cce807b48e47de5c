import type { DataItem, EntryVersion, FieldChange, VersionDiff } from './entries-schemas';

/** Field-level and item-level comparison of two versions of one entry (R-03 diff view). */

export type ItemContent = Omit<DataItem, 'id' | 'position'>;
export type VersionContent = Pick<EntryVersion, (typeof VERSION_FIELDS)[number]> & { items: ItemContent[] };

/** The entry fields a version carries, in the order the form shows them. */
export const VERSION_FIELDS = [
  'name',
  'summary',
  'providerOffice',
  'formatKind',
  'formatType',
  'shareType',
  'shareCondition',
  'shareMethods',
  'openType',
  'openCondition',
  'updateCycle',
  'openDomains',
  'relatedCodes',
] as const;

const ITEM_FIELDS = [
  'name',
  'fieldName',
  'dataType',
  'length',
  'description',
  'sensitivity',
  'maskRule',
  'shareType',
  'openType',
] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pairs the items of two versions. Versions copy their items, so there is no shared id: an item is
 * the same when its name is, or — for a renamed item — when its column name (fieldName) is.
 */
export function matchItems<T extends ItemContent>(before: readonly T[], after: readonly T[]) {
  const pairs: Array<{ before: T; after: T }> = [];
  const leftB = new Set(before);
  const leftA = new Set(after);
  for (const b of before) {
    const a = after.find((x) => leftA.has(x) && x.name === b.name);
    if (a) {
      pairs.push({ before: b, after: a });
      leftB.delete(b);
      leftA.delete(a);
    }
  }
  for (const b of [...leftB]) {
    if (!b.fieldName) continue;
    const a = [...leftA].find((x) => x.fieldName === b.fieldName);
    if (a) {
      pairs.push({ before: b, after: a });
      leftB.delete(b);
      leftA.delete(a);
    }
  }
  // In the order of the earlier version, whichever way each pair was found.
  pairs.sort((x, y) => before.indexOf(x.before) - before.indexOf(y.before));
  return { pairs, removed: [...leftB], added: [...leftA] };
}

export function itemChanges(before: ItemContent, after: ItemContent): FieldChange[] {
  return ITEM_FIELDS.filter((f) => !same(before[f], after[f])).map((f) => ({
    field: f,
    before: before[f],
    after: after[f],
  }));
}

export function diffVersions(
  from: VersionContent & { id: string; versionNo: number },
  to: VersionContent & { id: string; versionNo: number },
): VersionDiff {
  const fields = VERSION_FIELDS.filter((f) => !same(from[f], to[f])).map((f) => ({
    field: f,
    before: from[f],
    after: to[f],
  }));
  const { pairs, removed, added } = matchItems(from.items, to.items);
  const ref = (i: ItemContent) => ({ name: i.name, fieldName: i.fieldName });
  return {
    from: { id: from.id, versionNo: from.versionNo },
    to: { id: to.id, versionNo: to.versionNo },
    fields,
    items: {
      added: added.map(ref),
      removed: removed.map(ref),
      changed: pairs
        .map((p) => ({
          name: p.after.name,
          previousName: p.before.name === p.after.name ? null : p.before.name,
          changes: itemChanges(p.before, p.after),
        }))
        .filter((c) => c.changes.length > 0),
    },
  };
}
