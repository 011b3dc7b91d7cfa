import { measureTrial, type ErrorSample, type RequestFate, type TrialResult, type TripEvent } from './trip-to-hold-detect.ts';
import { AXIS_ID, GIVE_UP_MS, TRIP_RULE, isMoveUnderTest, printTrips, tripArgs, tripConfig } from './trip-to-hold-trial.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process: `trip-to-hold.ts jam|silent <trials> <seed>`, the trip-to-hold trial (see
 * trip-to-hold-trial.ts) in virtual time, each trial a fresh line with the in-process simulated
 * drive. A request reaches the drive the instant it is sent (no wire), so its deadline is its
 * arrival + the axis's timeoutMs, and the hold counts when it reaches the drive. Records per trial,
 * in ms of virtual time (see trip-to-hold-detect.ts):
 * - `injectToHold`: injection until the hold request reaches the simulated drive;
 * - `injectToDetectable`: injection until the trip condition is met. Jam: the following error has
 *   been outside its window for timeMs. Silent: the deadline of the consecutiveFailures-th missed
 *   request in a row;
 * - `detectableToHold`: the difference, i.e. what the supervisor itself adds;
 * - silent also `firstMissToHold`: from the deadline of the first missed request of that run.
 */
const { kind, delaysMs } = tripArgs('trip-to-hold.ts');
const { timeoutMs } = tripConfig.axes[0]!;

async function trial(delayMs: number): Promise<TrialResult> {
  const run = startVirtualLine(tripConfig);
  const drive = run.line.simulators.get(AXIS_ID);
  if (!drive) throw new Error(`no simulated drive for ${AXIS_ID}`);
  const samples: ErrorSample[] = [];
  const requests: RequestFate[] = [];
  const trips: TripEvent[] = [];
  run.line.supervisor.onEvent((e) => {
    if (e.type === 'trip') trips.push(e);
  });
  let injectedAtMs: number | undefined;
  let holdAtMs: number | undefined;
  drive.onRequest(({ atMs, request, outcome }) => {
    requests.push({ dueAtMs: atMs + timeoutMs, missed: outcome === 'lost' });
    if (request.op === 'readStatus') samples.push({ atMs, errorMm: Math.abs(drive.peekStatus().followingErrorMm) });
    if (isMoveUnderTest(request) && injectedAtMs === undefined) {
      injectedAtMs = atMs + delayMs;
      run.clock.setTimer(() => drive.injectFault({ kind }), delayMs);
    }
    if (request.op === 'hold' && injectedAtMs !== undefined && atMs >= injectedAtMs) holdAtMs ??= atMs;
  });
  await run.clock.runUntil(() => holdAtMs !== undefined || (injectedAtMs !== undefined && run.clock.now() > injectedAtMs + GIVE_UP_MS));
  await run.stop();
  if (run.fatal.length > 0) throw new Error(`${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);
  if (injectedAtMs === undefined) throw new Error('the move never reached the drive');
  return measureTrial(kind, { injectedAtMs, holdAtMs, samples, requests, trips }, TRIP_RULE);
}

const results: TrialResult[] = [];
for (const delayMs of delaysMs) results.push(await trial(delayMs));
printTrips(kind, results);
