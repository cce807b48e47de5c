/**
 * A promise remembered for `ttl` ms under a key, so that concurrent calls share one load and later
 * ones reuse it; a failed load is not remembered. The map is emptied when it grows past 10,000 keys,
 * so memory follows the keys in use.
 */
export type TtlCache<T> = Map<string, { at: number; value: Promise<T> }>;

export function remember<T>(map: TtlCache<T>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = map.get(key);
  if (hit && now - hit.at < ttl) return hit.value;
  if (map.size > 10_000) map.clear();
  const value = load();
  map.set(key, { at: now, value });
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  return value;
}
