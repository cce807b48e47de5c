/** What the catalog tells other modules, published in the transaction of the change (platform/events). */
declare module '../../platform/events' {
  interface EventMap {
    /** A version became the entry's current one (a new entry, a change, or a deletion when `deleted`). */
    'catalog.version.published': { entryId: string; versionId: string; deleted: boolean };
    /** An impacting change or deletion was approved and announced; it takes effect at effectiveAt. */
    'catalog.change.noticed': {
      entryId: string;
      versionId: string;
      noticeId: string;
      changeKind: 'update' | 'delete';
      effectiveAt: string;
    };
  }
}
export {};
