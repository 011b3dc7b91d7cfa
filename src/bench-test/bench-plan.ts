import type { AxisConfig } from '../config/index.ts';
import type { Move } from '../line/move.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

/** What the operator asked for; an absent value takes its default. */
export interface BenchRequest {
  /**
   * Signed stroke from the start position, mm (non-zero). Default: the smaller of DEFAULT_STROKE_MM
   * and DEFAULT_STROKE_SHARE of the travel, toward the side with more room, so it always fits.
   */
  readonly distanceMm?: number;
  /** Profile speed, mm/s (> 0). Default DEFAULT_SPEED_SHARE of the axis's max speed. */
  readonly speedMmPerS?: number;
  /** Out-and-back cycles (integer >= 1). Default DEFAULT_CYCLES. */
  readonly cycles?: number;
}

/** A bench profile, checked against the axis's limits: `cycles` × (from → to → from), at one speed. */
export interface BenchPlan {
  readonly axis: string;
  /** Where the axis is when the test is planned; every cycle starts and ends here, mm. */
  readonly fromMm: number;
  /** The far end of the stroke, inside the travel, mm. */
  readonly toMm: number;
  readonly speedMmPerS: number;
  readonly cycles: number;
  /** The absolute moves, in order: to, from, to, from, ... */
  readonly moves: readonly Move[];
  /** Profile time of one move at the axis's acceleration, whole ms. */
  readonly moveProfileMs: number;
  /** Profile time plus a settling allowance for every move, ms: what the operator is told. */
  readonly estimatedMs: number;
}

const DEFAULT_STROKE_MM = 10;
const DEFAULT_STROKE_SHARE = 0.1;
const DEFAULT_SPEED_SHARE = 0.25;
export const DEFAULT_CYCLES = 3;
/** Time a servo is given per move to settle after its profile ends, for the estimate, ms. */
const SETTLE_ALLOWANCE_MS = 100;

/** The test is refused before anything is enabled or moved; the message says which limit and why. */
export class BenchRefusedError extends brandedError('BenchRefusedError') {}

export const isBenchRefusedError = brandGuard<BenchRefusedError>('isBenchRefusedError');

const mm = (value: number) => `${Number(value.toFixed(3))} mm`;

/**
 * Time a trapezoidal profile takes over `distanceMm` at `speedMmPerS` with `accelMmPerS2` (a
 * triangle when the distance is too short to reach the speed), ms.
 */
export function profileTimeMs(distanceMm: number, speedMmPerS: number, accelMmPerS2: number): number {
  const d = Math.abs(distanceMm);
  const rampMm = (speedMmPerS * speedMmPerS) / accelMmPerS2;
  const seconds = d >= rampMm ? d / speedMmPerS + speedMmPerS / accelMmPerS2 : 2 * Math.sqrt(d / accelMmPerS2);
  return seconds * 1000;
}

/**
 * Plans the test of `axis` from its present position `atMm`. Throws BenchRefusedError, naming the
 * limit, when the axis is outside its travel, the stroke would leave it, or the speed exceeds the
 * axis's max; an explicit request is refused, never clamped.
 */
export function planBench(axis: AxisConfig, atMm: number, request: BenchRequest): BenchPlan {
  const { minMm, maxMm, maxSpeedMmPerS, maxAccelMmPerS2 } = axis.limits;
  const travel = `the travel of '${axis.id}' is [${minMm}, ${maxMm}] mm`;
  if (atMm < minMm)
    throw new BenchRefusedError(`'${axis.id}' is at ${mm(atMm)}, below its minMm ${minMm} mm; bring it into its travel first`);
  if (atMm > maxMm)
    throw new BenchRefusedError(`'${axis.id}' is at ${mm(atMm)}, above its maxMm ${maxMm} mm; bring it into its travel first`);

  const distanceMm = request.distanceMm ?? defaultStroke(atMm, minMm, maxMm);
  const toMm = atMm + distanceMm;
  const stroke = `${mm(atMm)} ${distanceMm < 0 ? '-' : '+'} ${mm(Math.abs(distanceMm))}`;
  if (toMm < minMm) throw new BenchRefusedError(`target ${mm(toMm)} (${stroke}) is below the axis's minMm ${minMm} mm; ${travel}`);
  if (toMm > maxMm) throw new BenchRefusedError(`target ${mm(toMm)} (${stroke}) is above the axis's maxMm ${maxMm} mm; ${travel}`);

  const speedMmPerS = request.speedMmPerS ?? maxSpeedMmPerS * DEFAULT_SPEED_SHARE;
  if (speedMmPerS > maxSpeedMmPerS) {
    throw new BenchRefusedError(`speed ${speedMmPerS} mm/s exceeds the axis's maxSpeedMmPerS ${maxSpeedMmPerS} mm/s`);
  }
  const cycles = request.cycles ?? DEFAULT_CYCLES;
  const out: Move = { positionMm: toMm, speedMmPerS };
  const back: Move = { positionMm: atMm, speedMmPerS };
  const moves = Array.from({ length: cycles }, () => [out, back]).flat();
  const moveProfileMs = Math.round(profileTimeMs(distanceMm, speedMmPerS, maxAccelMmPerS2));
  return {
    axis: axis.id,
    fromMm: atMm,
    toMm,
    speedMmPerS,
    cycles,
    moves,
    moveProfileMs,
    estimatedMs: moves.length * (moveProfileMs + SETTLE_ALLOWANCE_MS),
  };
}

/** The default stroke: toward the side with more room, so it fits whenever the axis is inside its travel. */
function defaultStroke(atMm: number, minMm: number, maxMm: number): number {
  const length = Math.min(DEFAULT_STROKE_MM, (maxMm - minMm) * DEFAULT_STROKE_SHARE);
  return maxMm - atMm >= atMm - minMm ? length : -length;
}
