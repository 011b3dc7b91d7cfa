/** The last `capacity` items in arrival order; older ones fall out. Memory stays bounded whatever the rate. */
export class EventRing<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be an integer >= 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The last `n` items that pass `keep`, oldest first. */
  tail<S extends T>(n: number, keep: (item: T) => item is S): S[];
  tail(n: number, keep?: (item: T) => boolean): T[];
  tail(n: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = 1; i <= this.count && out.length < n; i++) {
      const item = this.items[(this.next - i + this.capacity) % this.capacity] as T;
      if (keep(item)) out.push(item);
    }
    return out.reverse();
  }
}
