import { describe, expect, it } from 'vitest';
import { requireTools } from '../protocols/support/external-tools.ts';
import { until } from '../support/until.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { runSupervisor, storyOf, type JsonEvent } from '../support/supervisor-process.ts';

/**
 * Issue #16 over a real pty: `axisguard run` drives two bus servos (LX, then Feetech STS) served by
 * `axisguard sim --bus-servo lx|sts` (with and without the one-wire echo). A jammed servo (locked rotor) trips on its
 * following error, is held, and its job goes to its fallback, which finishes it; a silent one opens
 * its breaker on missed answers while its neighbour carries on.
 */

const tools = requireTools('socat');

type Protocol = 'lx' | 'sts';

function servoConfig(protocol: Protocol, port: string, echo: boolean): string {
  const axis = (id: string, servoId: number, extra = '') =>
    `  - { id: ${id}, driver: { type: ${protocol}-servo, bus: servos, servoId: ${servoId} }, limits: { minMm: 10, maxMm: 230, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 }${extra} }`;
  const moves = (n: number) =>
    Array.from({ length: n }, (_, i) => `{ positionMm: ${i % 2 === 0 ? 200 : 40}, speedMmPerS: 120 }`).join(', ');
  return [
    'line: lx-cell',
    'cycle: { periodMs: 10, warmupMs: 0 }',
    'defaults:',
    '  timeoutMs: 40',
    '  inPositionMm: 0.5',
    '  followingError: { minWindowMm: 3, maxWindowMm: 15, timeMs: 60 }',
    'buses:',
    `  - { id: servos, type: ${protocol}, path: ${port}, baudRate: 115200, slackMs: 10, echo: ${echo} }`,
    'axes:',
    axis('wrist', 1, ', fallback: elbow'),
    axis('elbow', 2),
    'jobs:',
    `  - { id: sweep, axis: wrist, moves: [${moves(6)}] }`,
    `  - { id: wave, axis: elbow, moves: [${moves(2)}] }`,
  ].join('\n');
}

const ofType = (events: readonly JsonEvent[], type: string) => events.filter((e) => e.type === type);

describe.skipIf(tools.skip).each(['lx', 'sts'] as const)(
  'a %s bus-servo line over a real pty with axisguard sim --bus-servo',
  { timeout: 90_000 },
  (protocol) => {
    const startSim = simOverPtyEach(tools, 'stop');

    /** The sim serving servos 1 and 2 (echoing or not), the supervisor running the line, and the end of its story for failures. */
    async function startLine(echo: boolean) {
      const simArgs = ['--bus-servo', protocol, ...(echo ? ['--echo'] : [])];
      const { sim, configPath } = await startSim('1,2', (port) => servoConfig(protocol, port, echo), simArgs);
      const run = runSupervisor(configPath, []);
      const tail = () => storyOf(run, 80);
      return { sim, run, tail };
    }

    it.each([false, true])(
      'a jam (locked rotor) trips on following error, is held, its job goes to the fallback and is done there (echo %s)',
      async (echo) => {
        const { sim, run, tail } = await startLine(echo);
        await until(
          'wrist moving',
          () => ofType(run.events, 'axis_state').some((e) => e.axis === 'wrist' && e.to === 'DiscreteMotion'),
          20_000,
          tail,
        );
        sim.send('inject 1 jam');
        await until('wrist tripped', () => ofType(run.events, 'trip').some((e) => e.axis === 'wrist'), 20_000, tail);
        await until('every job settled', () => ofType(run.events, 'stop').length > 0, 40_000, tail);
        await run.exit;
        expect(
          ofType(run.events, 'trip').find((e) => e.axis === 'wrist'),
          tail(),
        ).toMatchObject({ reason: 'following_error', latched: true });
        expect(
          ofType(run.events, 'hold').find((e) => e.axis === 'wrist' && e.cause === 'trip'),
          tail(),
        ).toMatchObject({ acknowledged: true });
        expect(ofType(run.events, 'transfer'), tail()).toEqual([expect.objectContaining({ job: 'sweep', from: 'wrist', to: 'elbow' })]);
        expect(
          ofType(run.events, 'trip').filter((e) => e.axis === 'elbow'),
          tail(),
        ).toEqual([]);
        expect(
          ofType(run.events, 'job_done')
            .map((e) => `${e.job}@${e.axis}`)
            .sort(),
          tail(),
        ).toEqual(['sweep@elbow', 'wave@elbow']);
      },
    );

    it('a silent servo opens its breaker on missed answers; its neighbour finishes its job', async () => {
      const { sim, run, tail } = await startLine(false);
      await until('both re-synced', () => ofType(run.events, 'resync').length >= 2, 20_000, tail);
      sim.send('inject 1 silent');
      await until('elbow done', () => ofType(run.events, 'job_done').some((e) => e.axis === 'elbow' && e.job === 'wave'), 40_000, tail);
      run.child.kill('SIGTERM');
      await run.exit;
      expect(
        ofType(run.events, 'trip').find((e) => e.axis === 'wrist'),
        tail(),
      ).toMatchObject({ reason: expect.stringMatching(/consecutive_failures|failure_ratio/) });
      expect(ofType(run.events, 'trip').filter((e) => e.axis === 'elbow')).toEqual([]);
    });
  },
);
