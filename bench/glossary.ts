/**
 * What a key of results.json means, for the key table in BENCHMARKS.md. A glossary maps dotted
 * path patterns to meanings; `*` stands for any one segment, and array elements appear as `[]`.
 * A pattern matches the end of a key's path; the longest matching pattern wins.
 */
export type Glossary = Readonly<Record<string, string>>;

/** Meanings shared by several figures. */
export const GENERIC: Glossary = {
  p50: 'median',
  p99: '99th percentile (nearest rank)',
  max: 'largest value',
  ratio: 'ratio to the baseline case (see the figure method)',
  runs: 'each run, in run order',
  axes: 'simulated axes in the line',
  drives: 'drives on the bus',
  periodMs: 'supervision cycle (poll period), ms',
  timeoutMs: 'per-request deadline, ms',
  wallS: 'wall time of the run, s (median of runs where there are several)',
  simulatedS: 'simulated seconds run',
  windowS: 'measurement window, s',
  movesDone: 'moves completed',
  healthyReads: 'status reads of healthy drives in the window',
  healthyReadMs: 'healthy-drive status-read latency, submission to answer',
  deadDriveCallsAfterFault: 'status reads sent to the dead drive(s) after they went silent',
  healthyTrips: 'trips of axes whose drive was not silenced, all runs (target 0)',
  runsWithHealthyTrip: 'runs with at least one trip of a healthy axis',
  tripReasons: 'the reasons of those trips',
  tripDetails:
    "the first 3 of those trips: axis, reason and the trip event's detail (the failed call, or for consecutive_failures each failed call of its row with its time; a stall of ours just before, when there was one; and what socat saw of its drive in the 300 ms before: answers later than the line allows, requests never answered)",
  standInReruns:
    "runs made again (3 attempts at most, the last kept whatever it showed) because every healthy trip in them came after the simulator answered that drive late or not at all in the 300 ms before, as socat saw it, with no stall of ours named in the trip, or, after a stall of ours, with every failed call of its row sent to a request the simulator missed: the stand-in's miss, which the supervisor rightly counts against a drive; not counted in the figures above",
  standInRerunReasons: 'the first 3 of those reasons',
  jobsDone: 'jobs of healthy axes done, all runs',
  jobs: 'jobs of healthy axes, all runs',
  watchdogHolds:
    "healthy drives' comm-loss watchdog holds before the supervisor's stop event (the drive heard nothing for its watchdog period), all runs",
  longestGapMs:
    'longest time between two requests reaching a healthy drive while its comm-loss watchdog was armed, ms, largest of the runs (0 in a run where no drive was powered, so none was armed)',
  longestGapMsPerRun: 'the same, per run, ms',
  longestWireGapMsPerRun:
    "per run, the same gap timed on the wire (socat's log, each healthy drive from its first re-sync on): what a real drive would have seen, without the simulator's own lateness in getting to a request, ms",
  lateStandInAnswersPerRun:
    "per run, the simulator's answers that came later than the line allows (wire time + slackMs), as socat saw them: a miss to the supervisor that the stand-in caused",
  longestOwnStallMsPerRun:
    'per run, the longest delay of its own the supervisor reported (its `stall` events, 20 ms or more at the 10 ms cycle: its cycle timer ran this late, from a GC, a compile, CPU starvation or a SIGSTOP), ms; 0 when none',
  hostStealReruns:
    'runs made again because they missed the target (a trip; at a quarter core also a gap of 60 ms or more) while the host took one CPU away for 50 ms or more within 100 ms (3 attempts at most, the last kept whatever it shows)',
  hostStealRerunReasons: 'the first 3 of those reasons',
  hostStealMsPerRun:
    "per run, the host's steal over it (the `steal` column of /proc/stat: time the hypervisor ran something else while this virtual machine's CPUs had work), all CPUs added up, ms: every process of the machine, supervisor and simulator alike, loses it at once",
  hostStealPeakMsPerRun:
    'per run, the most steal one CPU saw within one 100 ms sample, ms: beside a stall or a gap of about that length, the host, not the code',
  'meta.node': 'Node version',
  'meta.cpuModel': 'CPU model',
  'meta.cores': 'cores available to Node',
  'meta.date': 'start of the run (UTC)',
  'meta.gitCommit': 'HEAD when the run started',
  'meta.gitDirty': 'tracked files differed from HEAD',
  'meta.loadAverage1m': '1-minute load average at the start',
  'meta.peers.*': 'installed version of the peer breaker library',
  'meta.totalWallS': 'wall time of the whole `npm run bench`, s',
  'meta.hostStealS': "the host's steal over the whole `npm run bench`, all CPUs added up, s (see hostStealMsPerRun)",
};

const segmentsMatch = (pattern: readonly string[], path: readonly string[]): boolean =>
  pattern.length <= path.length && pattern.every((p, i) => p === '*' || p === path[path.length - pattern.length + i]);

/** The meaning of `path` (segments, figure key first) from the first glossaries' longest matching pattern, or ''. */
export function meaningOf(path: readonly string[], glossaries: readonly Glossary[]): string {
  let best: { length: number; meaning: string } | undefined;
  for (const glossary of glossaries) {
    for (const [pattern, meaning] of Object.entries(glossary)) {
      const segments = pattern.split('.');
      if (segmentsMatch(segments, path) && (best === undefined || segments.length > best.length))
        best = { length: segments.length, meaning };
    }
  }
  return best?.meaning ?? '';
}
