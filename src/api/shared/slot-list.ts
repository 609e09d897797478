/** What a SlotList holds: the list keeps the item's position in it here (-1 when in none). */
export interface Slotted {
  slot: number;
}

/**
 * An unordered list for what every request adds and removes (the requests in flight, their deadlines): add and
 * delete are O(1) and allocate nothing once its array has grown. Not a Map or Set: a delete that leaves V8's hash
 * table under half full makes V8 rebuild it as a new table (~150 B), so at one connection, where each request's
 * entry is deleted from an otherwise empty table, every request paid for one new table per map (issue 14: the
 * bytes a request allocates set how often the young generation is scavenged).
 */
export class SlotList<T extends Slotted> {
  /**
   * The items in [0, count); the rest is `undefined`. The array never shrinks: V8 trims an array's backing store
   * when a pop leaves it mostly empty and the next push then allocates a new one, as costly as the Map's table.
   */
  private readonly items: Array<T | undefined> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    item.slot = this.count;
    if (this.count === this.items.length) this.items.push(item);
    else this.items[this.count] = item;
    this.count++;
  }

  /** Removes the item if it is in this list; the last item takes its place. */
  delete(item: T): void {
    const slot = item.slot;
    if (slot < 0 || slot >= this.count || this.items[slot] !== item) return;
    this.count--;
    const last = this.items[this.count] as T;
    this.items[this.count] = undefined;
    if (last !== item) {
      this.items[slot] = last;
      last.slot = slot;
    }
    item.slot = -1;
  }

  find(test: (item: T) => boolean): T | undefined {
    for (let i = 0; i < this.count; i++) {
      const item = this.items[i] as T;
      if (test(item)) return item;
    }
    return undefined;
  }

  /** A copy of the items, for a walk that may delete some of them. */
  snapshot(): T[] {
    return this.items.slice(0, this.count) as T[];
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) {
      (this.items[i] as T).slot = -1;
      this.items[i] = undefined;
    }
    this.count = 0;
  }
}
