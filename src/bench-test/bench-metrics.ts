import type { Move } from '../line/move.ts';
import { missedDeadline, type CallRecord, type MoveSent, type StatusSample } from './call-recorder.ts';

/** One sample as the report keeps it. Times in ms from the start of the test, positions in mm. */
export interface BenchSample {
  readonly tMs: number;
  /** The drive's profile setpoint: actual + following error. */
  readonly commandedMm: number;
  readonly actualMm: number;
  readonly followingErrorMm: number;
  /** Where the drive is heading. */
  readonly targetMm: number;
}

/** Round trips of answered status reads, ms; null when none was answered. */
export interface LatencyStats {
  readonly calls: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** How one commanded move went. Times in ms (from the start of the test, or from the move command). */
export interface MoveResult {
  /** 1-based, in profile order. */
  readonly move: number;
  readonly fromMm: number;
  readonly toMm: number;
  readonly commandedAtMs: number;
  /**
   * From the move command until the axis is in position (|actual − target| <= inPositionMm) and at
   * rest (profile finished, the drive reports its target reached: the supervisor's own test for a
   * move done), and stays so for the rest of the move; null when it never got there (stopped).
   */
  readonly settlingTimeMs: number | null;
  /** Furthest the actual position went past the target, in the direction of the move, mm (>= 0). */
  readonly overshootMm: number;
  readonly maxFollowingErrorMm: number;
  readonly rmsFollowingErrorMm: number;
  readonly samples: number;
}

export interface BenchSummary {
  readonly durationMs: number;
  /** The supervision cycle period the axis was sampled at, ms. */
  readonly periodMs: number;
  readonly samples: number;
  readonly readStatusLatency: LatencyStats;
  /** Calls of any kind answered late or not at all. */
  readonly missedDeadlines: number;
  /** Calls that failed otherwise (refused, bad answer, port lost). */
  readonly failedCalls: number;
  readonly maxFollowingErrorMm: number;
  readonly movesPlanned: number;
  readonly moves: readonly MoveResult[];
}

/** What the recorder saw, and what to judge it by. Times in ms on the bench's Clock. */
export interface BenchRecording {
  readonly startMs: number;
  /** When the supervisor was told to stop: later samples show the axis under its hold, not a move. */
  readonly stoppedAtMs: number;
  readonly endMs: number;
  readonly periodMs: number;
  readonly inPositionMm: number;
  readonly fromMm: number;
  readonly plannedMoves: readonly Move[];
  readonly calls: readonly CallRecord[];
  readonly samples: readonly StatusSample[];
  readonly movesSent: readonly MoveSent[];
}

/** Nearest-rank percentile of ascending `sorted`, p in 0..100. */
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** The samples of a recording in report form. */
export function benchSamples(recording: BenchRecording): BenchSample[] {
  return recording.samples.map(({ atMs, status }) => ({
    tMs: atMs - recording.startMs,
    commandedMm: status.positionMm + status.followingErrorMm,
    actualMm: status.positionMm,
    followingErrorMm: status.followingErrorMm,
    targetMm: status.targetMm,
  }));
}

/** Times the planned moves were first sent; a resend (unconfirmed command) and the re-sync's own move do not count. */
export function moveCommandTimes(sent: readonly MoveSent[], planned: readonly Move[]): number[] {
  const times: number[] = [];
  for (const { atMs, command } of sent) {
    const next = planned[times.length];
    if (next && command.targetMm === next.positionMm && command.speedMmPerS === next.speedMmPerS) times.push(atMs);
  }
  return times;
}

export function summarize(recording: BenchRecording): BenchSummary {
  const { calls, samples, plannedMoves, startMs } = recording;
  const roundTrips = calls
    .filter((c) => c.operation === 'readStatus' && (c.outcome === 'ok' || c.outcome === 'late'))
    .map((c) => c.endMs - c.startMs)
    .sort((a, b) => a - b);
  const commandTimes = moveCommandTimes(recording.movesSent, plannedMoves);
  // Samples come in time order (one status read at a time per axis): walk them once.
  let cursor = 0;
  const moves = commandTimes.map((atMs, i): MoveResult => {
    const untilMs = commandTimes[i + 1] ?? recording.stoppedAtMs;
    while (cursor < samples.length && samples[cursor]!.atMs < atMs) cursor++;
    const first = cursor;
    while (cursor < samples.length && samples[cursor]!.atMs < untilMs) cursor++;
    const fromMm = i === 0 ? recording.fromMm : plannedMoves[i - 1]!.positionMm;
    const toMm = plannedMoves[i]!.positionMm;
    return {
      move: i + 1,
      fromMm,
      toMm,
      commandedAtMs: atMs - startMs,
      ...judgeMove(fromMm, toMm, atMs, samples.slice(first, cursor), recording.inPositionMm),
    };
  });
  return {
    durationMs: recording.endMs - startMs,
    periodMs: recording.periodMs,
    samples: samples.length,
    readStatusLatency: {
      calls: roundTrips.length,
      p50Ms: roundTrips.length > 0 ? percentile(roundTrips, 50) : null,
      p99Ms: roundTrips.length > 0 ? percentile(roundTrips, 99) : null,
      maxMs: roundTrips.at(-1) ?? null,
    },
    missedDeadlines: calls.filter(missedDeadline).length,
    failedCalls: calls.filter((c) => c.outcome === 'error').length,
    maxFollowingErrorMm: maxOf(samples.map((s) => Math.abs(s.status.followingErrorMm))),
    movesPlanned: plannedMoves.length,
    moves,
  };
}

/** Largest value, 0 for none (no spread: a long test has more samples than a call may take arguments). */
const maxOf = (values: readonly number[]): number => values.reduce((max, v) => Math.max(max, v), 0);

/** Settling, overshoot and following error of one move from its samples; `commandAtMs` on the bench's Clock. */
function judgeMove(fromMm: number, toMm: number, commandAtMs: number, during: readonly StatusSample[], inPositionMm: number) {
  const settled = ({ status }: StatusSample) =>
    !status.moving && status.targetReached && Math.abs(status.positionMm - toMm) <= inPositionMm;
  let settledFrom = during.length;
  while (settledFrom > 0 && settled(during[settledFrom - 1]!)) settledFrom--;
  const settledAt = during[settledFrom];
  const direction = Math.sign(toMm - fromMm);
  const errors = during.map((s) => s.status.followingErrorMm);
  return {
    settlingTimeMs: settledAt ? settledAt.atMs - commandAtMs : null,
    overshootMm: maxOf(during.map((s) => (s.status.positionMm - toMm) * direction)),
    maxFollowingErrorMm: maxOf(errors.map(Math.abs)),
    rmsFollowingErrorMm: errors.length > 0 ? Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length) : 0,
    samples: during.length,
  };
}
