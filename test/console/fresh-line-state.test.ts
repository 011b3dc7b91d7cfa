import { describe, expect, it } from 'vitest';
import { LineStateTracker, emptyLineState } from '../../src/line/line-state.ts';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { consoleRig, consoleYaml } from './support/console-harness.ts';

describe('console: fresh', () => {
  it('after "yes", journals a new line state by the operator; the next start takes over nothing from before it', async () => {
    const rig = await consoleRig(`${lineYaml({ axes: simAxis('a') })}\n${await consoleYaml()}`);
    await rig.login();
    await rig.command('fresh', 'Type yes to confirm:');
    expect(rig.term.output).toContain('the next start will run every job again from its first move and forget latched trips');
    await rig.command('yes', 'new line state started');
    const fresh = rig.h.events.filter((e) => e.type === 'line_state_fresh');
    expect(fresh).toEqual([expect.objectContaining({ by: 'console:ana' })]);

    const tracker = new LineStateTracker(emptyLineState({ axes: {}, jobs: {} }));
    tracker.apply({ type: 'trip', atMs: 1, axis: 'a', reason: 'alarm', detail: 'x', latched: true });
    tracker.apply(fresh[0]!);
    expect(tracker.snapshot().axes).toEqual({});
    await rig.h.stop();
  });

  it('needs an operator login, and nothing is journalled without one', async () => {
    const rig = await consoleRig(`${lineYaml({ axes: simAxis('a') })}\n${await consoleYaml()}`);
    await rig.command('fresh', 'needs an operator login');
    expect(rig.h.events.filter((e) => e.type === 'line_state_fresh')).toEqual([]);
    await rig.h.stop();
  });
});
