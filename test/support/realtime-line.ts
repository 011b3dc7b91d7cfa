import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { RealClock } from '../../src/common/clock.ts';
import { withDeadline } from '../../src/common/deadline.ts';
import { openPtyPair } from '../protocols/support/pty-pair.ts';
import { bitsPerChar, frameTimeMs } from '../../protocols/rtu-timing.ts';
import { BusSchema } from '../../src/config/bus-config.ts';
import {
  failuresOnStandInMisses,
  lateAnswers,
  longestRequestGapOnWireMs,
  unansweredRequests,
  type LateAnswer,
  type WireTransfer,
} from './socat-wire-log.ts';
import { SimProcess } from '../sim/modbus/support/sim-process.ts';
import { CLOCK_TICKS_PER_S, HostStealWatch } from './host-steal.ts';
import { jsonEvents, type JsonEvent } from './spawn-run.ts';
import { BIN } from './supervisor-process.ts';

/**
 * The issue #10 rig: `axisguard run` (or a peer polling loop) against `axisguard sim` over a socat
 * pty pair in real time, with the master starved the way a slow or busy controller starves it: a CPU
 * quota (cgroup), SIGSTOP stalls, or a busy-loop neighbour. The sim and socat run outside any quota.
 * What counts is what the drives saw: the sim's longest request gap per unit (against the drive's
 * comm-loss watchdog) and its watchdog holds while the master ran, plus the master's trips and jobs.
 */

const clock = new RealClock();
const EXAMPLE_LINE = join(import.meta.dirname, '../../examples/modbus-line.yaml');
/** How often the master's CPU time is read from /proc: the last reading before it exits is kept. */
const CPU_SAMPLE_MS = 100;
/** On top of --duration: start-up at a quarter core (seconds when tsx compiles the sources) and shutdown. */
const EXIT_GRACE_MS = 30_000;

// --- cgroup CPU quota -------------------------------------------------------------------------

export const CPU_CONTROLLER_HINT =
  'it needs root and the cgroup CPU controller: cgroup v1 mounted at /sys/fs/cgroup/cpu (`mount -t cgroup -o cpu cpu /sys/fs/cgroup/cpu`) ' +
  'or cgroup v2 at /sys/fs/cgroup with cpu in cgroup.subtree_control (`echo +cpu > /sys/fs/cgroup/cgroup.subtree_control`)';

/** A CPU share of one core: `quotaUs` of CPU time per `periodUs` (1000/4000 = a quarter core, a Pi-class CPU here). */
export interface CpuQuota {
  readonly quotaUs: number;
  readonly periodUs: number;
}

/** A cgroup of its own with a CPU quota; a process joins it by writing its pid into `procsFile`. */
interface QuotaGroup {
  readonly procsFile: string;
  /** Removes the group once its processes have exited (the kernel refuses while any is left). */
  remove(): Promise<void>;
}

let groups = 0;

function createQuotaGroup({ quotaUs, periodUs }: CpuQuota): QuotaGroup {
  const name = `axisguard-rt-${process.pid}-${groups++}`;
  const v1 = '/sys/fs/cgroup/cpu';
  const isV1 = existsSync(join(v1, 'cpu.cfs_quota_us'));
  if (!isV1 && !existsSync('/sys/fs/cgroup/cgroup.controllers'))
    throw new Error('no cgroup CPU controller found (neither /sys/fs/cgroup/cpu nor cgroup v2 at /sys/fs/cgroup)');
  const dir = join(isV1 ? v1 : '/sys/fs/cgroup', name);
  mkdirSync(dir);
  try {
    if (isV1) {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(periodUs));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
    } else {
      if (!existsSync(join(dir, 'cpu.max'))) throw new Error('cgroup v2 without the cpu controller enabled for child groups');
      writeFileSync(join(dir, 'cpu.max'), `${quotaUs} ${periodUs}`);
    }
  } catch (error) {
    rmdirSync(dir);
    throw error;
  }
  return {
    procsFile: join(dir, 'cgroup.procs'),
    async remove() {
      // Right after its last process is reaped the kernel may still call the group busy for a moment.
      // The groups the master made inside it (its capped helper threads, src/realtime/helper-cap.ts) go first.
      for (let attempt = 0; ; attempt++) {
        try {
          for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) rmdirSync(join(dir, entry.name));
          return rmdirSync(dir);
        } catch (error) {
          if (attempt >= 20) throw error;
          await clock.sleep(50);
        }
      }
    },
  };
}

/** Whether a CPU-quota group can be made here (by making and removing one); if not, why not and how to allow it. */
export function cpuControllerWritable(): { readonly writable: true } | { readonly writable: false; readonly reason: string } {
  try {
    const group = createQuotaGroup({ quotaUs: 1000, periodUs: 4000 });
    rmdirSync(dirname(group.procsFile));
    return { writable: true };
  } catch (error) {
    return { writable: false, reason: `cannot make a CPU-quota cgroup (${(error as Error).message}); ${CPU_CONTROLLER_HINT}` };
  }
}

// --- the master's CPU time and stalls -----------------------------------------------------------

/** User + system CPU time of process `pid` (all its threads), ms; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: count fields after its closing one (state is field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/**
 * Times the threads of process `pid` went to sleep waiting for something (their voluntary context
 * switches, all threads added up): each is one sleep and one wake. Undefined once it is gone. A
 * thread that ended meanwhile takes its count with it.
 */
export function processSleeps(pid: number): number | undefined {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let sleeps = 0;
  for (const tid of threads) {
    try {
      const counted = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      sleeps += Number(counted?.[1] ?? 0);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return sleeps;
}

/** SIGSTOP `stallMs` long every `everyMs` (stall start to stall start). */
export interface Stalls {
  readonly stallMs: number;
  readonly everyMs: number;
}

/**
 * Stops and resumes `pid` on a schedule, the first stall one period from now; `end()` resumes it for
 * good and returns each stall's length as achieved (timer lateness included), ms.
 */
function stallProcess(pid: number, { stallMs, everyMs }: Stalls): { end(): number[] } {
  const achievedMs: number[] = [];
  let stoppedAtMs: number | undefined;
  let timer = clock.setTimer(stop, everyMs);
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      return process.kill(pid, name);
    } catch {
      return false; // already gone
    }
  };
  function stop(): void {
    const atMs = clock.now();
    if (!signal('SIGSTOP')) return;
    stoppedAtMs = atMs;
    timer = clock.setTimer(resume, stallMs);
  }
  function resume(): void {
    signal('SIGCONT');
    achievedMs.push(clock.now() - stoppedAtMs!);
    timer = clock.setTimer(stop, stoppedAtMs! + everyMs - clock.now());
    stoppedAtMs = undefined;
  }
  return {
    end() {
      timer.dispose();
      if (stoppedAtMs !== undefined) {
        signal('SIGCONT');
        achievedMs.push(clock.now() - stoppedAtMs);
        stoppedAtMs = undefined;
      }
      return achievedMs;
    },
  };
}

// --- the line and the master process -----------------------------------------------------------

interface LineAxis {
  readonly id: string;
  readonly driver: { readonly unitId: number };
  readonly fallback?: string;
}

interface LineShape {
  readonly yaml: string;
  /** Axis id -> the unit id of its drive. */
  readonly unitOf: ReadonlyMap<string, number>;
  readonly jobs: readonly { readonly id: string; readonly axis: string }[];
  /** How long after its request an answer may come on this line, ms: request and answer on the wire, plus the bus's slackMs. */
  readonly allowedAnswerMs: (requestBytes: number, answerBytes: number) => number;
}

/**
 * `source` with its one bus on `port`, only the first `drives` axes, no fallbacks (a trip must not
 * hand a job on: each healthy axis finishes its own) and, unless `jobs`, no jobs (polling only).
 */
function shapeLine(source: string, port: string, drives: number, jobs: boolean): LineShape {
  const line = parse(source) as {
    buses?: { path?: string }[];
    axes?: LineAxis[];
    jobs?: { id: string; axis: string }[];
  };
  if (line.buses?.length !== 1 || line.axes === undefined || line.axes.length < drives)
    throw new Error(`the line must have one bus and at least ${drives} axes`);
  line.buses[0]!.path = port;
  line.axes = line.axes.slice(0, drives).map(({ fallback: _, ...axis }) => axis);
  const ids = new Set(line.axes.map((a) => a.id));
  line.jobs = jobs ? (line.jobs ?? []).filter((job) => ids.has(job.axis)) : [];
  // The bus as the supervisor reads it, defaults included.
  const bus = BusSchema.parse(line.buses[0]);
  if (bus.type !== 'rtu') throw new Error(`the line's bus must be an RTU line, not ${bus.type}`);
  const { baudRate, parity, stopBits, slackMs } = bus;
  const bits = bitsPerChar(parity, stopBits);
  return {
    yaml: stringify(line),
    unitOf: new Map(line.axes.map((a) => [a.id, a.driver.unitId])),
    jobs: line.jobs,
    allowedAnswerMs: (requestBytes, answerBytes) => frameTimeMs(requestBytes + answerBytes, baudRate, bits) + slackMs,
  };
}

/**
 * The process under test, its JSON events as they come. Started through `sh`, which joins the quota
 * group first and then execs it: the master runs inside its quota from its first instruction.
 */
interface Master {
  readonly child: ChildProcess;
  readonly events: JsonEvent[];
  readonly closed: Promise<number | string | null>;
  stderr(): string;
}

function startMaster(
  argv: readonly string[],
  procsFile: string | undefined,
  env: Readonly<Record<string, string>> | undefined,
  onEvent: (event: JsonEvent) => void,
): Master {
  const join = procsFile === undefined ? '' : `echo $$ > ${procsFile} && `;
  const child = spawn('sh', ['-c', `${join}exec "$0" "$@"`, process.execPath, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const events: JsonEvent[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.lastIndexOf('\n') + 1;
    for (const event of jsonEvents(stdout.slice(0, complete))) {
      events.push(event);
      onEvent(event);
    }
    stdout = stdout.slice(complete);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  return { child, events, closed, stderr: () => stderr };
}

// --- the run ------------------------------------------------------------------------------------

export interface RealtimeLineOptions {
  /** Drives on the bus, unit ids 1..drives, one axis each. */
  readonly drives: number;
  /** Units whose drive goes silent `silentAfterS` after the master's start event. */
  readonly silentUnits?: readonly number[];
  readonly silentAfterS?: number;
  /** Run the master in a cgroup with this CPU quota (see cpuControllerWritable). */
  readonly cpuQuota?: CpuQuota;
  /** SIGSTOP the master on this schedule, from its start event on. */
  readonly stalls?: Stalls;
  /** A busy-loop process beside the master, same priority, same process session. */
  readonly busyLoop?: boolean;
  /** The master's --duration, s; the run ends earlier once every job is done or parked. */
  readonly durationS: number;
  /** Run the line's jobs (default); false: polling only. */
  readonly jobs?: boolean;
  /** The line (YAML), given the port; default examples/modbus-line.yaml. Shaped by shapeLine. */
  readonly line?: (port: string) => string;
  /**
   * Measure the master's CPU and the drives' requests between each two consecutive of these
   * instants after its start event, s (e.g. [10, 20, 40]: from 10 s to 20 s, and from 20 s to 40 s).
   */
  readonly windowsAtS?: readonly number[];
  /**
   * Another master in place of `axisguard run` (a peer polling loop): its node arguments, given the
   * port, the unit ids and durationS. It prints {"type":"start"} once it polls and {"type":"stop"}
   * before it exits by itself after durationS.
   */
  readonly master?: (port: string, units: readonly number[], durationS: number) => readonly string[];
  /** Variables added to the master's environment (e.g. AXISGUARD_OPTIMIZING_JIT), and only to its. */
  readonly masterEnv?: Readonly<Record<string, string>>;
}

export interface Trip {
  readonly axis: string;
  readonly reason: string;
  readonly atMs: number;
  /** The trip event's detail: the failed call (each of its row, with its time, for consecutive_failures), and a stall of ours just before when there was one. */
  readonly detail: string;
  /** Answers of this axis's drive that came later than the line allows in the LATE_ANSWER_WINDOW_MS before the trip (see lateStandInAnswers). */
  readonly lateStandInAnswersBefore: number;
  /** Requests to this axis's drive that got no answer at all on the wire in the same window (for a healthy drive: dropped by the stand-in). */
  readonly unansweredStandInRequestsBefore: number;
  /** The supervisor's own stall just before the trip, ms, when its trip event named one (`ownStallMs`). */
  readonly ownStallMs: number | undefined;
  /** The failed calls a consecutive_failures trip names (its row); 0 for other trips. */
  readonly failuresInRow: number;
  /** Of those, the ones whose request the stand-in answered late or never on the wire (failuresOnStandInMisses). */
  readonly failuresOnStandInMisses: number;
}

/** How far before a trip late stand-in answers are counted for it: what the breaker's three misses in a row span, with room. */
const LATE_ANSWER_WINDOW_MS = 300;

export interface RealtimeLineResult {
  /** The master's exit code, or the signal that ended it. */
  readonly exitCode: number | string | null;
  readonly trips: readonly Trip[];
  /** Trips of axes whose drive was not silenced. */
  readonly healthyTrips: readonly Trip[];
  /** The jobs of axes whose drive was not silenced, and every job done. */
  readonly healthyJobs: readonly string[];
  readonly jobsDone: readonly string[];
  readonly healthyUnits: readonly number[];
  /** Per unit: longest time between two requests while its comm-loss watchdog was armed, ms (the sim's figure). */
  readonly gapsMsByUnit: Readonly<Record<number, number>>;
  /** Per unit: comm-loss watchdog holds before the master stopped (later ones are the drive hearing nothing after exit). */
  readonly watchdogHoldsBeforeStop: Readonly<Record<number, number>>;
  /**
   * Per unit: the same gap timed on the wire (socat), from the master's first re-sync of its axis on
   * (its watchdog armed by then): without the stand-in's lateness in getting to a request. NaN when
   * the axis was never re-synced or the master never started.
   */
  readonly wireGapsMsByUnit: Readonly<Record<number, number>>;
  /** The longest of the healthy units' gaps, ms, and their watchdog holds before the stop, added up. */
  readonly longestHealthyGapMs: number;
  /** The longest of the healthy units' gaps on the wire, ms. */
  readonly longestHealthyWireGapMs: number;
  readonly healthyWatchdogHolds: number;
  /** Requests the drives received (all units), the whole run. */
  readonly transactions: number;
  /** The master's user + system CPU time, the whole run, ms. */
  readonly masterCpuMs: number;
  /** Each SIGSTOP stall as achieved, ms. */
  readonly stallsMs: readonly number[];
  /** The longest delay of its own the master reported (its `stall` events), ms; 0 when it reported none. */
  readonly longestOwnStallMs: number;
  /** One per pair of consecutive `windowsAtS`. */
  readonly windows: readonly MeasuredWindow[];
  /**
   * Answers of the simulator that came later than the line allows (wire time plus slackMs), as socat
   * saw them: a stand-in's lateness, which the master can only count as a missing answer.
   */
  readonly lateStandInAnswers: readonly LateAnswer[];
  /** The host's steal over the run, all CPUs added up, ms, and the most one CPU lost within one CPU sample (100 ms): see HostStealWatch. */
  readonly hostStealMs: number;
  readonly hostStealPeakMs: number;
  /** Every JSON event of the master, and its stderr, for diagnosis. */
  readonly events: readonly JsonEvent[];
  readonly stderr: string;
  /** What the master's log said of V8's inlining (`jit_inlining`); undefined when it said nothing (a master other than axisguard). */
  readonly jitInlining: boolean | undefined;
}

interface UnitStats {
  readonly requests: number;
  readonly watchdogHolds: number;
  readonly longestRequestGapMs: number;
}

/** The sim's status lines (JSON) among `lines`, the last one per unit. */
function unitStats(lines: readonly string[]): Map<number, UnitStats> {
  const stats = new Map<number, UnitStats>();
  for (const line of lines) {
    if (!line.startsWith('{"type":"status"')) continue;
    const status = JSON.parse(line) as { unitId: number; stats: UnitStats };
    stats.set(status.unitId, status.stats);
  }
  return stats;
}

const sumRequests = (stats: ReadonlyMap<number, UnitStats>): number => [...stats.values()].reduce((sum, s) => sum + s.requests, 0);

/** The master's CPU time and the requests the drives received over `seconds`. */
export interface MeasuredWindow {
  readonly seconds: number;
  readonly cpuMs: number;
  readonly transactions: number;
  /** The master's sleeps meanwhile (processSleeps): each costs a wake, which on this VM costs more CPU than most of a transaction's work. */
  readonly sleeps: number;
  /** The host's steal meanwhile, all CPUs added up, ms (see HostStealWatch). */
  readonly hostStealMs: number;
}

/** The master's (`pid`) CPU time, the sim's request counts and the host's steal (sampled on the run's `steal` watch) between each two consecutive instants `atS` from now. */
async function measureWindows(
  sim: SimProcess,
  pid: number,
  unitCount: number,
  atS: readonly number[],
  steal: HostStealWatch,
): Promise<MeasuredWindow[]> {
  const snapshot = async (): Promise<{ atMs: number; cpuMs: number; sleeps: number; requests: number; stealMs: number }> => {
    const from = sim.stdout.length;
    const atMs = clock.now();
    steal.sample();
    const stealMs = steal.totalMs;
    const cpuMs = processCpuMs(pid);
    const sleeps = processSleeps(pid);
    if (cpuMs === undefined || sleeps === undefined) throw new Error('the master exited before its measurement window ended');
    sim.send('status');
    while (unitStats(sim.stdout.slice(from)).size < unitCount) {
      if (clock.now() > atMs + 5000) throw new Error('the sim did not answer status within 5 s');
      await clock.sleep(10);
    }
    return { atMs, cpuMs, sleeps, requests: sumRequests(unitStats(sim.stdout.slice(from))), stealMs };
  };
  const startMs = clock.now();
  const windows: MeasuredWindow[] = [];
  let previous: Awaited<ReturnType<typeof snapshot>> | undefined;
  for (const s of atS) {
    await clock.sleep(Math.max(0, startMs + s * 1000 - clock.now()));
    const next = await snapshot();
    if (previous) {
      windows.push({
        seconds: (next.atMs - previous.atMs) / 1000,
        cpuMs: next.cpuMs - previous.cpuMs,
        transactions: next.requests - previous.requests,
        sleeps: next.sleeps - previous.sleeps,
        hostStealMs: next.stealMs - previous.stealMs,
      });
    }
    previous = next;
  }
  return windows;
}

/** What a finished run saw: the sim's lines (its final status ones included) and the master's events. */
interface FinishedRun {
  readonly units: readonly number[];
  readonly silent: ReadonlySet<number>;
  readonly line: LineShape;
  readonly master: Master;
  readonly simLines: readonly string[];
  /** How many sim lines had come in when the master said it stopped. */
  readonly simLinesBeforeStop: number;
  readonly exitCode: number | string | null;
  readonly cpuMs: number;
  readonly stallsMs: readonly number[];
  readonly windows: readonly MeasuredWindow[];
  readonly steal: HostStealWatch;
  readonly wire: readonly WireTransfer[];
  /** Wall-clock ms at the master's clock 0, from when its events came in, the least delayed of them (to set its trips beside socat's times). */
  readonly masterEpochMs: number | undefined;
}

/** The `inlining` field of a supervisor's `jit_inlining` log line, if it wrote one. */
function jitInliningSaid(stderr: string): boolean | undefined {
  const said = /"event":"jit_inlining","inlining":(true|false)/.exec(stderr)?.[1];
  return said === undefined ? undefined : said === 'true';
}

function report(run: FinishedRun): RealtimeLineResult {
  const { units, silent, line, master } = run;
  const stats = unitStats(run.simLines);
  const holdsBeforeStop = run.simLines
    .slice(0, run.simLinesBeforeStop)
    .filter((l) => l.startsWith('{"type":"watchdog_hold"'))
    .map((l) => (JSON.parse(l) as { unitId: number }).unitId);
  const isHealthy = (axis: string) => !silent.has(line.unitOf.get(axis) ?? -1);
  const healthyUnits = units.filter((u) => !silent.has(u));
  const gapMs = (unit: number) => stats.get(unit)?.longestRequestGapMs ?? Number.NaN;
  const axisOf = new Map([...line.unitOf].map(([axis, unit]) => [unit, axis]));
  const wireGapMs = (unit: number): number => {
    const resync = master.events.find((e) => e.type === 'resync' && e.axis === axisOf.get(unit));
    if (resync === undefined || run.masterEpochMs === undefined) return Number.NaN;
    return longestRequestGapOnWireMs(run.wire, unit, run.masterEpochMs + Number(resync.atMs));
  };
  // Each scans the master's events and the wire log: once per unit.
  const wireGaps: Record<number, number> = Object.fromEntries(units.map((u) => [u, wireGapMs(u)]));
  const holds = (unit: number) => holdsBeforeStop.filter((h) => h === unit).length;
  const late = lateAnswers(run.wire, line.allowedAnswerMs);
  const unanswered = unansweredRequests(run.wire);
  /** How many of `sent` (request times, wall ms, of some unit) lie in the window before the trip of `axis` at `atMs`. */
  const beforeTrip = (sent: readonly { unit: number | undefined; atMs: number }[], axis: string, atMs: number): number => {
    if (run.masterEpochMs === undefined) return 0;
    const tripWallMs = run.masterEpochMs + atMs;
    const unit = line.unitOf.get(axis);
    return sent.filter((a) => a.unit === unit && a.atMs <= tripWallMs && a.atMs > tripWallMs - LATE_ANSWER_WINDOW_MS).length;
  };
  const unansweredSent = unanswered.map((t) => ({ unit: t.firstByte, atMs: t.atMs }));
  const missedRequestsAtMs = new Set([...late, ...unanswered].map((t) => t.atMs));
  /** Of the failures a trip's row names, those on a request the stand-in missed. */
  const onStandInMisses = (axis: string, failuresAtMs: readonly number[]): number => {
    const unit = line.unitOf.get(axis);
    const epochMs = run.masterEpochMs;
    if (unit === undefined || epochMs === undefined) return 0;
    return failuresOnStandInMisses(
      run.wire,
      unit,
      failuresAtMs.map((ms) => epochMs + ms),
      missedRequestsAtMs,
    );
  };
  const trips = master.events
    .filter((e) => e.type === 'trip')
    .map((e) => {
      const axis = String(e.axis);
      const detail = String(e.detail);
      const row = Array.isArray(e.failedCallsAtMs) ? e.failedCallsAtMs.map(Number) : [];
      return {
        axis,
        reason: String(e.reason),
        atMs: Number(e.atMs),
        detail,
        lateStandInAnswersBefore: beforeTrip(late, axis, Number(e.atMs)),
        unansweredStandInRequestsBefore: beforeTrip(unansweredSent, axis, Number(e.atMs)),
        ownStallMs: e.ownStallMs === undefined ? undefined : Number(e.ownStallMs),
        failuresInRow: row.length,
        failuresOnStandInMisses: onStandInMisses(axis, row),
      };
    });
  return {
    exitCode: run.exitCode,
    trips,
    healthyTrips: trips.filter((t) => isHealthy(t.axis)),
    healthyJobs: line.jobs.filter((j) => isHealthy(j.axis)).map((j) => j.id),
    jobsDone: master.events.filter((e) => e.type === 'job_done').map((e) => String(e.job)),
    healthyUnits,
    gapsMsByUnit: Object.fromEntries(units.map((u) => [u, gapMs(u)])),
    wireGapsMsByUnit: wireGaps,
    watchdogHoldsBeforeStop: Object.fromEntries(units.map((u) => [u, holds(u)])),
    longestHealthyGapMs: Math.max(...healthyUnits.map(gapMs)),
    longestHealthyWireGapMs: Math.max(...healthyUnits.map((u) => wireGaps[u]!)),
    healthyWatchdogHolds: healthyUnits.reduce((sum, u) => sum + holds(u), 0),
    transactions: sumRequests(stats),
    masterCpuMs: run.cpuMs,
    stallsMs: run.stallsMs,
    longestOwnStallMs: Math.max(0, ...master.events.filter((e) => e.type === 'stall').map((e) => Number(e.lengthMs))),
    windows: run.windows,
    hostStealMs: run.steal.totalMs,
    hostStealPeakMs: run.steal.peakMs,
    lateStandInAnswers: late,
    events: master.events,
    stderr: master.stderr(),
    jitInlining: jitInliningSaid(master.stderr()),
  };
}

/** Runs the line once; frees everything it started (processes, pty pair, cgroup) whatever happens. */
export async function runRealtimeLine(options: RealtimeLineOptions): Promise<RealtimeLineResult> {
  const units = Array.from({ length: options.drives }, (_, i) => i + 1);
  const silent = new Set(options.silentUnits ?? []);
  const cleanups: Array<() => unknown> = [];
  try {
    const pty = await openPtyPair({ watchWire: true });
    cleanups.push(() => pty.close());
    const sim = new SimProcess(['--serial', pty.pathB, '--units', units.join(','), '--json']);
    cleanups.push(() => sim.kill());
    await sim.waitForLine(/"type":"ready"/);

    const line = shapeLine(
      options.line?.(pty.pathA) ?? readFileSync(EXAMPLE_LINE, 'utf8'),
      pty.pathA,
      options.drives,
      options.jobs ?? true,
    );
    const configPath = join(dirname(pty.pathA), 'line.yaml');
    writeFileSync(configPath, line.yaml);
    const group = options.cpuQuota && createQuotaGroup(options.cpuQuota);
    if (group) cleanups.push(() => group.remove());
    if (options.busyLoop) {
      const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
      cleanups.push(() => busy.kill('SIGKILL'));
    }

    let cpuMsSoFar = 0;
    let simLinesBeforeStop: number | undefined;
    let masterEpochMs: number | undefined;
    let stalls: { end(): number[] } | undefined;
    let windows: Promise<MeasuredWindow[]> | undefined;
    const argv = options.master?.(pty.pathA, units, options.durationS) ?? [
      BIN,
      'run',
      configPath,
      '--json',
      '--duration',
      String(options.durationS),
    ];
    const steal = new HostStealWatch();
    const master = startMaster(argv, group?.procsFile, options.masterEnv, (event) => {
      // Each event comes in some time after the master stamped it (its quota, the pipe, this event
      // loop): the least of those delays is the best estimate of its clock's origin on the wall clock.
      if (masterEpochMs !== undefined && event.atMs !== undefined) masterEpochMs = Math.min(masterEpochMs, Date.now() - Number(event.atMs));
      if (event.type === 'start') {
        masterEpochMs = Date.now() - Number(event.atMs);
        const pid = master.child.pid!;
        for (const unit of silent) {
          const timer = clock.setTimer(() => sim.send(`inject ${unit} silent`), (options.silentAfterS ?? 1) * 1000);
          cleanups.push(() => timer.dispose());
        }
        if (options.stalls) stalls = stallProcess(pid, options.stalls);
        if (options.windowsAtS) {
          windows = measureWindows(sim, pid, units.length, options.windowsAtS, steal);
          // Awaited once the master has exited; until then a failure must not count as unhandled.
          windows.catch(() => undefined);
        }
      }
      if (event.type === 'stop') {
        cpuMsSoFar = processCpuMs(master.child.pid!) ?? cpuMsSoFar;
        simLinesBeforeStop = sim.stdout.length;
      }
    });
    cleanups.push(() => {
      stalls?.end();
      master.child.kill('SIGKILL');
    });
    const sampler = setInterval(() => {
      cpuMsSoFar = processCpuMs(master.child.pid!) ?? cpuMsSoFar;
      steal.sample();
    }, CPU_SAMPLE_MS);
    cleanups.push(() => clearInterval(sampler));

    const exitCode = await withDeadline(
      clock,
      master.closed,
      clock.now() + options.durationS * 1000 + EXIT_GRACE_MS,
      () => new Error(`the master did not exit within ${options.durationS} s + ${EXIT_GRACE_MS / 1000} s`),
    );
    const stallsMs = stalls?.end() ?? [];
    steal.sample();
    const measuredWindows = (await windows) ?? [];
    await sim.stop('SIGTERM');

    return report({
      units,
      silent,
      line,
      master,
      simLines: sim.stdout,
      simLinesBeforeStop: simLinesBeforeStop ?? sim.stdout.length,
      exitCode,
      cpuMs: cpuMsSoFar,
      stallsMs,
      windows: measuredWindows,
      steal,
      wire: pty.wire(),
      masterEpochMs,
    });
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
  }
}
