import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { settleHeap } from '../../src/realtime/settle-heap.ts';

const youngGenerationBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('settleHeap', () => {
  it('runs a full collection: even the young objects still referenced leave the young generation', () => {
    // About 600 kB, allocated just now and still referenced: a scavenge would keep them young, only a full collection promotes them.
    const stillReferenced = Array.from({ length: 20_000 }, (_, i) => ({ i }));
    expect(youngGenerationBytes()).toBeGreaterThan(256 * 1024);

    const settling = settleHeap();

    expect(settling.kind).toBe('collected');
    expect(youngGenerationBytes()).toBeLessThan(64 * 1024);
    expect(stillReferenced).toHaveLength(20_000);
  });

  it('times the collection with the clock it is given', () => {
    let t = 100;
    const settling = settleHeap(() => (t += 7));
    expect(settling).toEqual({ kind: 'collected', ms: 7 });
  });

  // Under a runner started with --expose-gc there is nothing to leave unchanged.
  it.skipIf('gc' in globalThis)('leaves gc out of the globals and of contexts made later', () => {
    settleHeap();
    expect('gc' in globalThis).toBe(false);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
