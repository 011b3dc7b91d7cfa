import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { degradationYaml } from '../../bench/figures/support/degradation-line.ts';
import { LivePage, type LiveFrame } from '../../src/observability/live-page.ts';
import { startLine } from '../support/line-harness.ts';

/** A page's end of the event stream: the frames written to it, parsed. */
function fakePage(): { response: ServerResponse; frames: LiveFrame[] } {
  const frames: LiveFrame[] = [];
  const response = {
    writeHead: () => response,
    write: (chunk: string) => {
      if (chunk.startsWith('data: ')) frames.push(JSON.parse(chunk.slice('data: '.length)) as LiveFrame);
      return true;
    },
    on: () => response,
    end: () => undefined,
  } as unknown as ServerResponse;
  return { response, frames };
}

describe('the live page frame (virtual time, without a browser)', () => {
  it('names the degraded signals and the downgrade plan of a degraded axis, and nothing for a healthy one', async () => {
    const h = startLine(
      degradationYaml({
        axes: 2,
        seed: 3,
        fault: { kind: 'wear', lagGrowthPerMin: 0.1 },
        faultAtMs: 300_000,
        durationMs: 1_800_000,
        defaults: '  downgrade: { plan: derate, derateFactor: 0.5 }\n',
      }),
    );
    await h.runUntil(() => h.eventsOf('degraded').length > 0, 1_800_000);
    const page = new LivePage(h.line.supervisor, h.clock);
    const { response, frames } = fakePage();
    expect(page.attach(response)).toBe(true);
    const [a0, a1] = frames[0]!.axes;
    expect(a0!.degraded).toMatch(/^(settle time|following error)(, (settle time|following error))? \(plan derate: 50 % speed\)$/);
    expect(a1!.degraded).toBe('');
    page.dispose();
    await h.stop();
  });
});
