import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../protocols/support/external-tools.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { BIN, modbusLineConfig } from '../support/supervisor-process.ts';
import { eventsOf, gate, plantRigEach, until } from './support/plant-rig.ts';

/**
 * Issue #13, plant-wide: two lines on one broker seen by one host, the README's shell tools
 * (`axisguard sparkplug watch|send`) against them, and a host's hold reaching a Modbus drive over a pty.
 */

const codec = sparkplugPayload.get('spBv1.0')!;
const socat = requireTools('socat');

/** A line of two simulated axes, `name` its edge node id; `faults` YAML list items under simulation.faults. */
function simulatedLine(dir: string, name: string, url: string, faults = ''): string {
  const path = join(dir, `${name}.yaml`);
  const axis = (id: string) =>
    `  - { id: ${id}, driver: { type: simulated }, limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000 } }`;
  writeFileSync(
    path,
    [
      `line: ${name}`,
      'cycle: { periodMs: 10, warmupMs: 200 }',
      'axes:',
      axis('x1'),
      axis('x2'),
      'jobs:',
      '  - { id: jx1, axis: x1, moves: [{ positionMm: 300, speedMmPerS: 200 }] }',
      '  - { id: jx2, axis: x2, moves: [{ positionMm: 300, speedMmPerS: 200 }, { positionMm: 50, speedMmPerS: 200 }] }',
      faults ? `simulation:\n  faults:\n${faults}` : '',
      'mqtt:',
      `  servers: ["${url}"]`,
      '  minIntervalMs: 50',
      '  commands: [queue]',
    ].join('\n'),
  );
  return path;
}

/** The shell tool as README shows it: its stdout lines as they come. */
function cli(args: readonly string[]): { lines: string[]; exit: Promise<number | null>; stop(): Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'sparkplug', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    lines,
    exit: exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

describe.skipIf(gate.skip)('plant-wide: lines on one Mosquitto broker', () => {
  const { dir, cleanup, broker, supervise } = plantRigEach('axisguard-plant-');

  it('one host sees two lines; a jam shows as a trip in DDATA; a job queued from the shell runs to done; a malformed DCMD moves nothing', async () => {
    const b = await broker();
    const watch = cli(['watch', b.url]);
    cleanup(() => watch.stop());
    const host = await mqtt.connectAsync(b.url, { clientId: `test-host-${process.pid}` });
    cleanup(() => host.endAsync());
    const seen: { topic: string; metrics: Map<string, unknown> }[] = [];
    host.on('message', (topic, payload) => {
      // Only what the edge nodes publish (the host's own commands, one of them malformed on purpose, come back too).
      if (/\/(NBIRTH|NDATA|NDEATH|DBIRTH|DDATA|DDEATH)\//.test(topic))
        seen.push({ topic, metrics: new Map(codec.decodePayload(payload).metrics?.map((m) => [m.name!, m.value])) });
    });
    await host.subscribeAsync('spBv1.0/#', { qos: 1 });

    const lineA = supervise(simulatedLine(dir(), 'line-a', b.url), ['--until', 'never', '--duration', '8']);
    const lineB = supervise(simulatedLine(dir(), 'line-b', b.url, '    - { axis: x2, atMs: 1200, fault: { kind: jam } }'), [
      '--until',
      'never',
      '--duration',
      '8',
    ]);
    await until('both lines born', () => ['line-a', 'line-b'].every((n) => seen.some((s) => s.topic === `spBv1.0/axisguard/NBIRTH/${n}`)));
    // The watcher prints what it gets once subscribed; a rebirth then shows it both lines' births.
    await until('the watcher printing', () => watch.lines.some((l) => l.includes(' DDATA ')));
    for (const n of ['line-a', 'line-b'])
      host.publish(
        `spBv1.0/axisguard/NCMD/${n}`,
        Buffer.from(
          codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }),
        ),
      );
    await until('the jam in DDATA', () =>
      seen.some((s) => s.topic === 'spBv1.0/axisguard/DDATA/line-b/x2' && s.metrics.get('Trip Reason') === 'following_error'),
    );

    // A malformed DCMD (not protobuf) and a release the line does not take from its broker: refused, nothing moved.
    host.publish('spBv1.0/axisguard/DCMD/line-a/x1', Buffer.from('hold please'));
    host.publish(
      'spBv1.0/axisguard/DCMD/line-a/x1',
      Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Command/Release', type: 'Boolean', value: true }] })),
    );
    await until('both refusals journalled', () => eventsOf(lineA, 'host_command').length === 3);

    const job = JSON.stringify({ id: 'from-host', axis: 'x1', moves: [{ positionMm: 120, speedMmPerS: 150 }] });
    const send = cli(['send', b.url, 'axisguard/line-a', 'Command/Queue Job', job]);
    expect(await send.exit).toBe(0);
    expect(send.lines.join('\n')).toMatch(/^sent Command\/Queue Job=.* on spBv1\.0\/axisguard\/NCMD\/line-a/);

    expect(await lineA.exit).toBe(0);
    expect(eventsOf(lineA, 'host_command').map((e) => `${e.command} ${e.outcome}`)).toEqual([
      'rebirth ok',
      'unknown refused',
      'release refused',
      'queue ok',
    ]);
    expect(eventsOf(lineA, 'hold').filter((e) => e.cause === 'operator')).toEqual([]);
    expect(eventsOf(lineA, 'job_done').map((e) => e.job)).toEqual(expect.arrayContaining(['jx1', 'jx2', 'from-host']));
    expect(await lineB.exit).toBe(3); // jx2 parked by the jam
    expect(eventsOf(lineB, 'trip')).toEqual([expect.objectContaining({ axis: 'x2', reason: 'following_error' })]);

    await watch.stop();
    const births = watch.lines.filter((l) => / NBIRTH axisguard\/line-[ab] seq 0: bdSeq=0/.test(l));
    expect(births.map((l) => l.split(' ')[2])).toEqual(expect.arrayContaining(['axisguard/line-a', 'axisguard/line-b']));
    expect(watch.lines.some((l) => / DDATA axisguard\/line-b\/x2 seq \d+: .*Trip Reason=following_error/.test(l))).toBe(true);
  }, 60_000);

  describe.skipIf(socat.skip)('over a pty', () => {
    const startSim = simOverPtyEach(socat);

    it("a host's DCMD hold reaches a Modbus drive: the drive holds, the hold is confirmed, nothing else moves it", async () => {
      const b = await broker();
      const { configPath, sim } = await startSim('1,2,3,4', (port) =>
        [modbusLineConfig(port), 'mqtt:', `  servers: ["${b.url}"]`, '  groupId: plant'].join('\n'),
      );
      const host = await mqtt.connectAsync(b.url, { clientId: `test-host-pty-${process.pid}` });
      cleanup(() => host.endAsync());
      const run = supervise(configPath, ['--until', 'never', '--duration', '6']);
      await until('ax2 moving', () => eventsOf(run, 'axis_state').some((e) => e.axis === 'ax2' && e.to === 'DiscreteMotion'));
      host.publish(
        'spBv1.0/plant/DCMD/modbus-test-line/ax2',
        Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Command/Hold', type: 'Boolean', value: true }] })),
      );
      await until('the hold', () => eventsOf(run, 'hold').some((e) => e.axis === 'ax2' && e.cause === 'operator'));
      expect(eventsOf(run, 'hold').find((e) => e.axis === 'ax2' && e.cause === 'operator')).toMatchObject({ acknowledged: true });
      sim.send('status 2');
      const status = JSON.parse(await sim.waitForLine(/"type":"status","unitId":2/)) as { status: { holding: boolean } };
      expect(status.status.holding).toBe(true);
      expect(await run.exit).toBe(3); // job2 interrupted by the host's hold
      expect(eventsOf(run, 'host_command')).toEqual([expect.objectContaining({ command: 'hold', axis: 'ax2', outcome: 'ok' })]);
      expect(
        eventsOf(run, 'job_done')
          .map((e) => e.job)
          .sort(),
      ).toEqual(['job1', 'job3', 'job4']);
    }, 60_000);
  });
});
