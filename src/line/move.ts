/** One point-to-point move of a job. */
export interface Move {
  readonly positionMm: number;
  readonly speedMmPerS: number;
}

/** The travel and speed an axis can take, used to check that a job fits it. */
export interface AxisLimits {
  readonly minMm: number;
  readonly maxMm: number;
  readonly maxSpeedMmPerS: number;
}

/** Why `moves` do not fit `limits`, or undefined when every move fits. Indexes are 1-based for people. */
export function whyMovesDoNotFit(moves: readonly Move[], limits: AxisLimits, firstMoveNumber = 1): string | undefined {
  for (const [i, move] of moves.entries()) {
    const n = firstMoveNumber + i;
    if (move.positionMm < limits.minMm || move.positionMm > limits.maxMm) {
      return `move ${n} target ${move.positionMm} mm is outside the travel [${limits.minMm}, ${limits.maxMm}] mm`;
    }
    if (move.speedMmPerS > limits.maxSpeedMmPerS) {
      return `move ${n} speed ${move.speedMmPerS} mm/s exceeds the max speed ${limits.maxSpeedMmPerS} mm/s`;
    }
  }
  return undefined;
}
