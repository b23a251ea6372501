/**
 * Sorted listings kept between the pages of one listing.
 *
 * Paging through a folder asks for the same sorted children once per page;
 * sorting them again for every page made listing a folder of n children
 * O(n² log n / pageSize). An entry is reused only while the store reports no
 * change at all since it was built (any change anywhere drops it), so a page
 * never shows state older than the request. Few entries: one per listing
 * being paged through.
 */
export class ListingCache<T> {
  private readonly entries = new Map<string, { changes: number; items: readonly T[] }>();

  constructor(private readonly maxEntries = 16) {}

  /** The items of listing `key` as of store change number `changes`, computed when not cached. */
  get(key: string, changes: number, compute: () => T[]): readonly T[] {
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit && hit.changes === changes) {
      this.entries.set(key, hit); // most recently used last
      return hit.items;
    }
    const items = compute();
    this.entries.set(key, { changes, items });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return items;
  }
}
