import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { settleHeap } from '../../src/realtime/settle-heap.ts';

const youngGenerationBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('settleHeap', () => {
  it('empties the young generation before the cycle starts, keeping what is still referenced', () => {
    const stillReferenced = Array.from({ length: 20_000 }, (_, i) => ({ i }));
    const before = youngGenerationBytes();
    expect(before).toBeGreaterThan(256 * 1024);

    const settling = settleHeap();

    expect(settling.kind).toBe('collected');
    expect(youngGenerationBytes()).toBeLessThan(before / 10);
    expect(stillReferenced[19_999]).toEqual({ i: 19_999 });
  });

  it('times the collection with the clock it is given', () => {
    let t = 100;
    const settling = settleHeap(() => (t += 7));
    expect(settling).toEqual({ kind: 'collected', ms: 7 });
  });

  it('leaves gc out of the globals and of contexts made later', () => {
    settleHeap();
    expect('gc' in globalThis).toBe(false);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
