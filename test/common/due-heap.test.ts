import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap, type Due } from '../../src/common/due-heap.ts';

interface Item extends Due {
  readonly name: string;
}

describe('DueHeap', () => {
  it('pops the earliest first, and items due at the same instant in the order they were set', () => {
    const heap = new DueHeap<Item>();
    const items: Item[] = [
      { name: 'b', dueMs: 20, seq: 0, heapIndex: 0 },
      { name: 'a', dueMs: 10, seq: 1, heapIndex: 0 },
      { name: 'c', dueMs: 20, seq: 2, heapIndex: 0 },
    ];
    for (const item of items) heap.push(item);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((i) => i?.name)).toEqual(['a', 'b', 'c', undefined]);
  });

  it('keeps its order whatever is pushed and taken out from anywhere (property)', () => {
    const step = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ remove: fc.nat() }),
      fc.constant('pop' as const),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const heap = new DueHeap<Item>();
        let queued: Item[] = [];
        let seq = 0;
        const order = (a: Item, b: Item) => a.dueMs - b.dueMs || a.seq - b.seq;
        for (const s of steps) {
          if (s === 'pop') {
            const expected = [...queued].sort(order)[0];
            expect(heap.pop()).toBe(expected);
            queued = queued.filter((i) => i !== expected);
          } else if ('push' in s) {
            const item = { name: `i${seq}`, dueMs: s.push, seq: seq++, heapIndex: 0 };
            heap.push(item);
            queued.push(item);
          } else if (queued.length > 0) {
            const item = queued[s.remove % queued.length]!;
            heap.remove(item);
            queued = queued.filter((i) => i !== item);
          }
          expect(heap.size).toBe(queued.length);
          expect(heap.peek()).toBe([...queued].sort(order)[0]);
        }
      }),
    );
  });
});
