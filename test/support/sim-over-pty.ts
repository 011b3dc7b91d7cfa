import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import type { ToolGate } from '../protocols/support/external-tools.ts';
import { openPtyPair, type PtyPair } from '../protocols/support/pty-pair.ts';
import { SimProcess } from '../sim/modbus/support/sim-process.ts';

/**
 * For a describe block gated by `describe.skipIf(socat.skip)`: asserts before its tests that socat is
 * there (so that CI fails rather than skips), and after each test closes every pty pair the returned
 * function opened in it (closing one earlier, as a pulled cable, is fine: close is idempotent).
 */
export function ptyPairEach(socat: ToolGate): () => Promise<PtyPair> {
  const opened: PtyPair[] = [];
  beforeAll(() => socat.assertPresent());
  afterEach(async () => {
    for (const pair of opened.splice(0)) await pair.close();
  });
  return async () => {
    const pair = await openPtyPair();
    opened.push(pair);
    return pair;
  };
}

/** One `axisguard sim` serving the B end of a pty pair, and the config for the A end. */
export interface SimOverPty {
  readonly pty: PtyPair;
  readonly sim: SimProcess;
  /** `line.yaml` beside the pty's links, holding the config written for the A end. */
  readonly configPath: string;
}

/**
 * ptyPairEach, plus in each test the returned function: opens a pair, starts `axisguard sim --serial
 * <B end> --units <units> --json [simArgs]`, waits for its ready line and writes `config(<A end>)` to line.yaml
 * beside the links. After each test the sim is ended (`end`: 'kill' is SIGKILL, 'stop' is SIGTERM and
 * waits for the exit), then the pair is closed.
 */
export function simOverPtyEach(
  socat: ToolGate,
  end: 'kill' | 'stop' = 'kill',
): (units: string, config: (port: string) => string, simArgs?: readonly string[]) => Promise<SimOverPty> {
  const openPair = ptyPairEach(socat);
  let running: SimProcess | undefined;
  afterEach(async () => {
    const sim = running;
    running = undefined;
    if (sim) await (end === 'kill' ? sim.kill() : sim.stop());
  });
  return async (units, config, simArgs = []) => {
    const pty = await openPair();
    const sim = new SimProcess(['--serial', pty.pathB, '--units', units, '--json', ...simArgs]);
    running = sim;
    await sim.waitForLine(/"type":"ready"/);
    const configPath = join(dirname(pty.pathA), 'line.yaml');
    writeFileSync(configPath, config(pty.pathA));
    return { pty, sim, configPath };
  };
}
