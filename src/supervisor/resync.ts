import type { DriveStatus } from '../../drivers/contract.ts';
import type { Clock } from '../common/clock.ts';
import type { AxisRuntime } from './axis-runtime.ts';
import { brandGuard } from '../common/branded-error.ts';

export class ResyncError extends Error {
  readonly isResyncError = true;
  override readonly name = 'ResyncError';
}

export const isResyncError = brandGuard<ResyncError>('isResyncError');

/** How long a held axis may take to come to rest before re-sync gives up. */
const SETTLE_TIMEOUT_MS = 3000;
/** Creep speed for the zero-length move that re-targets the drive, as a share of max speed. */
const CREEP_SHARE = 0.1;
/**
 * The actual position lags the profile, so "profile stopped" is not "at rest". At rest means the axis
 * would drift less than its in-position window within this time at its present speed.
 */
const REST_HORIZON_S = 0.1;

/**
 * Re-targets the drive to where the axis actually is, so the next motion starts from there and
 * never jumps to a stale target (ros2_control's classic "joint jumps on re-activation"):
 * hold, wait for rest, enable if needed, command the actual position, then verify the drive agrees.
 * Throws (DriveCommError, DriveFaultError or ResyncError) when any step fails; nothing else moves.
 */
export async function resync(axis: AxisRuntime, clock: Clock, pollMs: number): Promise<DriveStatus> {
  const driver = axis.setup.driver;
  await axis.call('hold', (o) => driver.hold(o));
  axis.holdConfirmed();
  const atRest = await waitForRest(axis, clock, pollMs, 'the hold');
  if (!atRest.enabled) await axis.call('enable', (o) => driver.enable(o));
  const creepMmPerS = axis.setup.limits.maxSpeedMmPerS * CREEP_SHARE;
  await axis.call('moveTo', (o) => driver.moveTo({ targetMm: atRest.positionMm, speedMmPerS: creepMmPerS }, o));
  // Even a zero-length move runs the drive's profile generator for a moment: wait for rest, then judge.
  const check = await waitForRest(axis, clock, pollMs, 're-targeting');
  const offsetMm = Math.abs(check.targetMm - check.positionMm);
  if (!check.enabled || offsetMm > axis.setup.inPositionMm) {
    throw new ResyncError(
      `axis '${axis.id}': re-sync not confirmed (target ${check.targetMm} mm, actual ${check.positionMm} mm, enabled ${check.enabled})`,
    );
  }
  return check;
}

/** Polls until the axis is at rest; `after` names what it is settling from, for the error. */
async function waitForRest(axis: AxisRuntime, clock: Clock, pollMs: number, after: string): Promise<DriveStatus> {
  const giveUpAtMs = clock.now() + SETTLE_TIMEOUT_MS;
  const restSpeedMmPerS = axis.setup.inPositionMm / REST_HORIZON_S;
  for (;;) {
    const status = await axis.sample();
    if (!status.moving && Math.abs(status.velocityMmPerS) <= restSpeedMmPerS) return status;
    if (clock.now() >= giveUpAtMs) throw new ResyncError(`axis '${axis.id}': still moving ${SETTLE_TIMEOUT_MS} ms after ${after}`);
    await clock.sleep(pollMs);
  }
}
