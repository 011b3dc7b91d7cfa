import { describe, expect, it, vi } from 'vitest';
import { rerunWhileInconclusive } from './inconclusive-reruns.ts';

describe('rerunWhileInconclusive', () => {
  it('tells onRerun and discard of every attempt it runs again, and keeps the last whatever it shows', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let n = 0;
    const reruns: string[] = [];
    const discarded: number[] = [];
    const kept = await rerunWhileInconclusive(
      async () => ++n,
      (attempt) => `attempt ${attempt} disturbed`,
      { onRerun: (why) => reruns.push(why), discard: async (attempt) => void discarded.push(attempt) },
    );
    vi.restoreAllMocks();
    expect(kept).toBe(3);
    expect(reruns).toEqual(['attempt 1 disturbed', 'attempt 2 disturbed']);
    expect(discarded).toEqual([1, 2]);
  });

  it('runs once when the first attempt is conclusive', async () => {
    const onRerun = vi.fn();
    expect(
      await rerunWhileInconclusive(
        async () => 'ok',
        () => undefined,
        { onRerun },
      ),
    ).toBe('ok');
    expect(onRerun).not.toHaveBeenCalled();
  });
});
