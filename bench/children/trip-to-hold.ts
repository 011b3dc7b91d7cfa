import { FollowingErrorMonitor } from '../../src/breaker/following-error.ts';
import { seededRandom } from '../../src/common/random.ts';
import { parseConfig } from '../../src/config/index.ts';
import type { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { LIMITS, LINE_SETTINGS, lineYaml } from './line-yaml.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process: `trip-to-hold.ts jam|silent <trials> <seed>`. Each trial is a fresh one-axis line in
 * virtual time: the axis runs a 400 mm move at 300 mm/s and, a seeded random 0–1000 ms after the
 * move command reached the drive, gets the fault. Records per trial, in ms of virtual time:
 * - `injectToHold`: injection until the hold request reaches the simulated drive;
 * - `injectToDetectable`: injection until the fault could first be known. Jam: the following error
 *   crosses the window (interpolated between the two drive samples around the crossing) plus the
 *   window's `timeMs`. Silent: the deadline of the first request that got no answer.
 * - `detectableToHold`: the difference, i.e. what the supervisor itself adds.
 * Prints one JSON line.
 */
const MOVE = { positionMm: 500, speedMmPerS: 300 } as const;
const MAX_DELAY_MS = 1_000;
/** A trial with no hold this long after the injection counts as missed. */
const GIVE_UP_MS = 10_000;

type Kind = 'jam' | 'silent';
const [kindArg = '', trialsArg = '', seedArg = ''] = process.argv.slice(2);
if (kindArg !== 'jam' && kindArg !== 'silent') throw new Error(`usage: trip-to-hold.ts jam|silent <trials> <seed>`);
const kind: Kind = kindArg;
const trials = Number(trialsArg);
const random = seededRandom(Number(seedArg));

const config = parseConfig(
  lineYaml('trip-to-hold', [{ id: 'axis1', seed: 1, jobs: [[{ positionMm: 100, speedMmPerS: MOVE.speedMmPerS }, MOVE]] }]),
  'trip-to-hold.yaml',
);
const windowMm = new FollowingErrorMonitor({ ...LINE_SETTINGS.followingError, maxSpeedMmPerS: LIMITS.maxSpeedMmPerS }).limitMm(MOVE.speedMmPerS);

interface Trial {
  readonly injectToHold: number;
  readonly injectToDetectable: number;
  readonly detectableToHold: number;
}

/** Time the fault became detectable, from what the drive saw after `injectedAtMs`. */
type Detector = (injectedAtMs: number) => number | undefined;

/** Follows the following error at every status read; detectable = crossing of the window + timeMs. */
function watchJam(drive: SimulatedDrive): Detector {
  const samples: Array<{ atMs: number; errorMm: number }> = [];
  drive.onRequest(({ atMs, request }) => {
    if (request.op === 'readStatus') samples.push({ atMs, errorMm: Math.abs(drive.peekStatus().followingErrorMm) });
  });
  return (injectedAtMs) => {
    const i = samples.findIndex((s) => s.atMs >= injectedAtMs && s.errorMm > windowMm);
    const outside = samples[i];
    const inside = samples[i - 1];
    if (!outside || !inside) return undefined;
    const share = (windowMm - inside.errorMm) / (outside.errorMm - inside.errorMm);
    return inside.atMs + share * (outside.atMs - inside.atMs) + LINE_SETTINGS.followingError.timeMs;
  };
}

/** Detectable = the deadline of the first request lost after the injection. */
function watchSilence(drive: SimulatedDrive): Detector {
  const lost: number[] = [];
  drive.onRequest(({ atMs, outcome }) => {
    if (outcome === 'lost') lost.push(atMs);
  });
  return (injectedAtMs) => {
    const first = lost.find((atMs) => atMs >= injectedAtMs);
    return first === undefined ? undefined : first + LINE_SETTINGS.timeoutMs;
  };
}

async function trial(): Promise<Trial | undefined> {
  const run = startVirtualLine(config);
  const drive = run.line.simulators.get('axis1');
  if (!drive) throw new Error('no simulated drive for axis1');
  const detect = kind === 'jam' ? watchJam(drive) : watchSilence(drive);
  const delayMs = random() * MAX_DELAY_MS;
  let injectedAtMs: number | undefined;
  let holdAtMs: number | undefined;
  drive.onRequest(({ atMs, request }) => {
    if (request.op === 'moveTo' && request.targetMm === MOVE.positionMm && injectedAtMs === undefined) {
      injectedAtMs = atMs + delayMs;
      run.clock.setTimer(() => drive.injectFault({ kind }), delayMs);
    }
    if (request.op === 'hold' && injectedAtMs !== undefined && atMs >= injectedAtMs) holdAtMs ??= atMs;
  });
  await run.clock.runUntil(() => holdAtMs !== undefined || (injectedAtMs !== undefined && run.clock.now() > injectedAtMs + GIVE_UP_MS));
  await run.stop();
  if (run.fatal.length > 0) throw new Error(`${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);
  if (injectedAtMs === undefined) throw new Error('the move never reached the drive');
  const detectableAtMs = detect(injectedAtMs);
  if (holdAtMs === undefined || detectableAtMs === undefined) return undefined;
  return { injectToHold: holdAtMs - injectedAtMs, injectToDetectable: detectableAtMs - injectedAtMs, detectableToHold: holdAtMs - detectableAtMs };
}

const results: Trial[] = [];
let missed = 0;
for (let i = 0; i < trials; i++) {
  const result = await trial();
  if (result) results.push(result);
  else missed++;
}
console.log(
  JSON.stringify({
    kind,
    trials,
    missed,
    windowMm,
    injectToHold: results.map((r) => r.injectToHold),
    injectToDetectable: results.map((r) => r.injectToDetectable),
    detectableToHold: results.map((r) => r.detectableToHold),
  }),
);
