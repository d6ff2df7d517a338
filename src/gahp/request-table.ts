/**
 * Requests in flight by request id (the client's pending calls, the server's accepted requests).
 * Ids are handed out in sequence (by GahpClient, and by HTCondor's gridmanager), so a slot array
 * indexed by the id's low bits holds them without hashing, and without the rehashing a `Map` does
 * under constant insertion and deletion: with a thousand requests in flight a `Map` reallocates
 * its table every few hundred requests, and those large tables outlive young-generation
 * collections (in the benchmark they were most of what survived them). When a slot is still
 * taken by a request from a full lap earlier, the array doubles, up to {@link MAX_SLOTS}; beyond
 * that, colliding ids go to an overflow map, so any ids work, only sequential ones work best.
 */
export class RequestTable<T extends { readonly requestId: number }> {
  private slots: (T | undefined)[] = new Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private readonly overflow = new Map<number, T>();

  /** Number of entries. */
  get size(): number {
    return this.count + this.overflow.size;
  }

  get(requestId: number): T | undefined {
    const item = this.slots[requestId & this.mask];
    if (item !== undefined && item.requestId === requestId) return item;
    return this.overflow.size === 0 ? undefined : this.overflow.get(requestId);
  }

  has(requestId: number): boolean {
    return this.get(requestId) !== undefined;
  }

  /** Adds `item` under its request id, replacing an entry with the same id. */
  set(item: T): void {
    const id = item.requestId;
    if (this.overflow.has(id)) {
      this.overflow.set(id, item);
      return;
    }
    for (;;) {
      const index = id & this.mask;
      const current = this.slots[index];
      if (current === undefined || current.requestId === id) {
        if (current === undefined) this.count++;
        this.slots[index] = item;
        return;
      }
      if (this.slots.length >= MAX_SLOTS) {
        this.overflow.set(id, item);
        return;
      }
      this.grow();
    }
  }

  /** Removes the entry for `requestId`; returns whether there was one. */
  delete(requestId: number): boolean {
    const index = requestId & this.mask;
    const item = this.slots[index];
    if (item !== undefined && item.requestId === requestId) {
      this.slots[index] = undefined;
      this.count--;
      return true;
    }
    return this.overflow.delete(requestId);
  }

  /** Every entry (slot order, then overflow). */
  *values(): IterableIterator<T> {
    for (const item of this.slots) if (item !== undefined) yield item;
    yield* this.overflow.values();
  }

  clear(): void {
    this.slots = new Array(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
    this.count = 0;
    this.overflow.clear();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Array(old.length * 2);
    this.mask = old.length * 2 - 1;
    for (const item of old) if (item !== undefined) this.slots[item.requestId & this.mask] = item;
  }
}

const INITIAL_SLOTS = 1024;
/** Largest slot array (1 MiB of references); ids further apart than this share the overflow map. */
const MAX_SLOTS = 1 << 17;
