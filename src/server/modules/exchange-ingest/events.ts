/** What the exchange's ingest side tells other modules, published in the transaction of the change (platform/events). */
declare module '../../platform/events' {
  interface EventMap {
    /** A pull finished loading the entry's managed table in the data resource center. */
    'exchange.center.loaded': { entryId: string; runId: string; mode: 'full' | 'incremental' };
  }
}
export {};
