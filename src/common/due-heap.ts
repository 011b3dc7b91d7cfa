/** Something due at `dueMs`, the `seq`-th set on its heap; `heapIndex` is its place there while queued. */
export interface Due {
  readonly dueMs: number;
  readonly seq: number;
  heapIndex: number;
}

const before = (a: Due, b: Due): boolean => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);

/**
 * A min-heap of things due at a time: the earliest first, and those due at the same instant in the
 * order they were set (`seq`). Any queued item can be taken out by its `heapIndex`. Serves the
 * virtual clock's timers and the deadlines that share one real timer.
 */
export class DueHeap<T extends Due> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** How many queued items satisfy `predicate`. */
  count(predicate: (item: T) => boolean): number {
    return this.items.filter(predicate).length;
  }

  /** The earliest item, left in place. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(item, this.items.length - 1);
  }

  /** Takes the earliest item out. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Takes `item` out; it must be queued here. */
  remove(item: T): void {
    const items = this.items;
    const last = items.pop()!;
    if (last === item) return;
    this.siftDown(last, item.heapIndex);
    this.siftUp(last, last.heapIndex);
  }

  /** Moves `item` from `index` towards the top, moving the hole rather than swapping pairs. */
  private siftUp(item: T, index: number): void {
    const items = this.items;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  /** Places `item` at `index`, then moves it down below every item due before it. */
  private siftDown(item: T, index: number): void {
    const items = this.items;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const childIndex = right < items.length && before(items[right]!, items[left]!) ? right : left;
      const child = items[childIndex]!;
      if (!before(child, item)) break;
      items[index] = child;
      child.heapIndex = index;
      index = childIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
