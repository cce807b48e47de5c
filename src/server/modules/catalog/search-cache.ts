/**
 * Recent search results of one process, each valid while the search generation (migration 0027)
 * stays the one it was computed under. Public searches are the same for every visitor, and a
 * portal's searches repeat (the home page's domains, what is in the news): a repeated search costs
 * one read of the generation instead of matching, ranking and counting again.
 *
 * A result computed under an older generation than the newest seen is not kept: it may predate a
 * change another request has already seen. Least recently used results go first when full.
 */
export class SearchCache<T> {
  private generation: string | undefined;
  private readonly results = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(generation: string, key: string): T | undefined {
    if (generation !== this.generation) {
      if (this.generation !== undefined && BigInt(generation) < BigInt(this.generation)) return undefined;
      this.generation = generation;
      this.results.clear();
      return undefined;
    }
    const hit = this.results.get(key);
    if (hit !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.results.delete(key);
      this.results.set(key, hit);
    }
    return hit;
  }

  set(generation: string, key: string, value: T): void {
    if (this.capacity === 0 || generation !== this.generation) return;
    this.results.delete(key);
    this.results.set(key, value);
    if (this.results.size > this.capacity) this.results.delete(this.results.keys().next().value!);
  }

  get size(): number {
    return this.results.size;
  }
}
