import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { consoleRig, consoleYaml, type ConsoleRig } from './support/console-harness.ts';

/**
 * Job `pick` on a (no fallback), jammed mid-move at 500 ms: a trips (latched) and `pick` is parked.
 * By default job `feed` on b is done by then, and b's travel ends at 300 mm, short of pick's first target.
 */
async function parkedLine(
  session: { mode?: 'plain' | 'terminal'; requireLogin?: boolean } = {},
  b = { limits: '{ minMm: 0, maxMm: 300, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }', feed: [20], feedStatus: 'done' },
): Promise<ConsoleRig> {
  const yaml = lineYaml({
    axes: simAxis('a') + simAxis('b', '', b.limits),
    jobs:
      '  - id: pick\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 200 }\n      - { positionMm: 100, speedMmPerS: 200 }\n' +
      `  - id: feed\n    axis: b\n    moves:\n${b.feed.map((t) => `      - { positionMm: ${t}, speedMmPerS: 200 }\n`).join('')}`,
    faults: '    - { axis: a, atMs: 500, clearAtMs: 900, fault: { kind: jam } }\n',
  });
  const rig = await consoleRig(`${yaml}\n${await consoleYaml()}`, session);
  await rig.h.runUntil(() => rig.h.clock.now() >= 1500);
  expect(rig.h.line.supervisor.jobs().map((j) => [j.id, j.status])).toEqual([
    ['pick', 'parked'],
    ['feed', b.feedStatus],
  ]);
  return rig;
}

const TIME = String.raw`\d+\.\d{3}s`;
const pick = (rig: ConsoleRig) => rig.h.line.supervisor.jobs().find((j) => j.id === 'pick')!;
const moveTargets = (rig: ConsoleRig) => rig.commandRequests().filter((r) => r.request.op === 'moveTo');

describe('console: jobs resume', () => {
  it('refuses what it cannot do with one error line each, changing nothing, and needs a login', async () => {
    const rig = await parkedLine();
    await rig.command('jobs resume pick', 'error');
    expect(rig.term.lines()).toEqual(["error: 'jobs resume' needs an operator login on this console; type: login <name>"]);
    await rig.login();
    rig.term.clear();
    const movesBefore = moveTargets(rig).length;
    const inputs = [
      'jobs resume',
      'jobs resume pik',
      'jobs resume feed',
      'jobs resume pick zz',
      'jobs resume pick b',
      'jobs resume pick a now',
      'jobs pick',
      'help jobs nope',
    ];
    await rig.commandsRefused(inputs);
    expect(rig.term.lines()).toEqual([
      'error: jobs resume: missing argument; usage: jobs resume <job> [axis]',
      `error: jobs resume: no job "pik" (did you mean 'pick'?); known jobs: pick, feed`,
      "error: job 'feed' cannot be resumed: it is done on 'b'; only a parked job can be resumed",
      'error: jobs resume: no axis "zz"; known axes: a, b',
      "error: job 'pick' cannot be resumed: 'b' cannot take the job: move 1 target 400 mm is outside the travel [0, 300] mm",
      'error: jobs resume: unexpected "now"; usage: jobs resume <job> [axis]',
      'error: jobs: unexpected "pick"; usage: jobs | jobs resume <job> [axis]',
      'error: help: jobs has no subcommand "nope"; usage: help [command]',
    ]);
    expect(pick(rig)).toMatchObject({ status: 'parked', transfers: [] });
    expect(rig.h.eventsOf('job_resumed')).toEqual([]);
    expect(moveTargets(rig)).toHaveLength(movesBefore);
    expect(rig.consoleEvents.filter((e) => e.type === 'console_command').at(-1)).toMatchObject({
      by: 'console:ana',
      command: 'jobs resume pick a now',
      outcome: 'refused',
    });
    await rig.h.stop();
  });

  it('queues a job resumed on a latched axis, says it needs a reset, and the job runs to done only after the reset', async () => {
    const rig = await parkedLine();
    await rig.login();
    rig.term.clear();
    await rig.command('jobs', 'feed:');
    expect(rig.term.lines()).toEqual([
      'pick: PARKED on a: no fallback axis is configured, 0/2 moves done',
      'feed: done on b, 1/1 moves done',
    ]);
    rig.term.clear();
    await rig.command('jobs resume pick', 'queued on a');
    const [resumed, waiting] = rig.term.lines();
    expect(resumed).toMatch(
      new RegExp(`^pick: parked on a \\(${TIME}\\): no fallback axis is configured; resumed on a by console:ana at move 1 \\(${TIME}\\)$`),
    );
    expect(waiting).toBe("  queued on a; it does not start yet: 'a' is in ErrorStop after a latched following_error trip: reset it first");
    expect(rig.h.eventsOf('job_resumed')).toEqual([
      expect.objectContaining({ job: 'pick', axis: 'a', parkedOn: 'a', fromMove: 1, by: 'console:ana' }),
    ]);
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_command', command: 'jobs resume pick', outcome: 'ok' });

    const resumedAtMs = rig.h.clock.now();
    await rig.h.runUntil(() => rig.h.clock.now() >= resumedAtMs + 2000);
    expect(moveTargets(rig).filter((r) => r.atMs >= resumedAtMs)).toEqual([]);
    await rig.command('reset a', 'Type yes');
    await rig.command('yes', 'a: reset');
    await rig.h.runUntil(() => pick(rig).status === 'done');
    const targets = moveTargets(rig)
      .filter((r) => r.atMs >= resumedAtMs)
      .map((r) => (r.request as { targetMm: number }).targetMm);
    // The reset's re-sync to where a stands, then the interrupted move again and the last one.
    const resync = rig.h
      .eventsOf('resync')
      .filter((e) => e.axis === 'a')
      .at(-1)!;
    expect(resync.atMs).toBeGreaterThan(resumedAtMs);
    expect(targets).toEqual([resync.positionMm, 400, 100]);

    rig.term.clear();
    // A resumed job goes to the end of the board, behind the work queued before it.
    await rig.command('jobs', 'pick:');
    expect(rig.term.lines()).toEqual([
      'feed: done on b, 1/1 moves done',
      expect.stringMatching(
        new RegExp(
          `^pick: done on a, 2/2 moves done; parked on a \\(${TIME}\\): no fallback axis is configured; resumed on a by console:ana at move 1 \\(${TIME}\\)$`,
        ),
      ),
    ]);
    rig.term.clear();
    await rig.command('journal --type job_resumed', 'resumed');
    expect(rig.term.lines()).toEqual([expect.stringMatching(new RegExp(`^${TIME} job pick: resumed on a from move 1 by console:ana$`))]);
    await rig.h.stop();
  });

  it('says when a ready axis runs the resumed job, lists the command in help, and completes it with the parked jobs', async () => {
    const rig = await parkedLine({ mode: 'terminal', requireLogin: false });
    await rig.command('reset a', 'Type yes');
    await rig.command('yes', 'a: reset');
    rig.term.clear();
    await rig.command('help', 'Tab completes');
    expect(rig.term.output).toMatch(/^\* jobs resume +queue a parked job again, on its axis or another, from its unfinished move$/m);
    expect(rig.term.output).toMatch(/^ {2}jobs +every job: where it is/m);
    rig.term.clear();
    await rig.command('help jobs resume', 'allowed for');
    expect(rig.term.output).toContain('usage: jobs resume <job> [axis]');
    rig.term.clear();
    rig.term.type('jobs r\t');
    rig.term.type('\t');
    rig.term.type('\r');
    await rig.runUntilOutput('runs it next');
    expect(rig.term.output).toContain('  queued on a; a runs it next');
    await rig.h.runUntil(() => pick(rig).status === 'done');
    expect(rig.h.eventsOf('job_resumed')).toEqual([expect.objectContaining({ job: 'pick', by: 'console:serial' })]);
    await rig.h.stop();
  });

  it('queues a job resumed on a busy axis behind the job it runs, and says so', async () => {
    const long = {
      limits: '{ minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }',
      feed: [500, 0, 500],
      feedStatus: 'running',
    };
    const rig = await parkedLine({ requireLogin: false }, long);
    const resumedAtMs = rig.h.clock.now();
    await rig.command('jobs resume pick b', 'queued on b');
    expect(rig.term.lines().at(-1)).toBe('  queued on b; b runs it after the 1 job queued before it');
    await rig.h.runUntil(() => pick(rig).status === 'done');
    const bTargets = moveTargets(rig)
      .filter((r) => r.axis === 'b' && r.atMs >= resumedAtMs)
      .map((r) => (r.request as { targetMm: number }).targetMm);
    expect(bTargets.slice(-2)).toEqual([400, 100]);
    expect(rig.h.line.supervisor.jobs().map((j) => [j.id, j.status, j.axis])).toEqual([
      ['feed', 'done', 'b'],
      ['pick', 'done', 'b'],
    ]);
    await rig.h.stop();
  });
});
