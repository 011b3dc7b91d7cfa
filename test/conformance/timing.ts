import type { CallOptions, DriveStatus } from '../../drivers/contract.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { type Outcome, rejectionOf, settle, resolvedValue } from '../support/settle.ts';
import type { DriverRig } from './rig.ts';

/** How often the suite reads status while it waits: well inside any drive's comm-loss watchdog. */
const POLL_MS = 10;

/** Runs `call` to its end, on either kind of clock; returns how and when it settled. */
export async function outcome<T>(rig: DriverRig, call: Promise<T>): Promise<Outcome<T>> {
  const { clock } = rig;
  if (clock instanceof VirtualClock) return settle(clock, call);
  try {
    const value = await call;
    return { ok: true, value, atMs: clock.now() };
  } catch (error) {
    return { ok: false, error, atMs: clock.now() };
  }
}

/** The value `call` resolved with; throws its error otherwise. */
export async function value<T>(rig: DriverRig, call: Promise<T>): Promise<T> {
  return resolvedValue(await outcome(rig, call));
}

/** The error `call` rejected with, and when. */
export async function rejection(rig: DriverRig, call: Promise<unknown>): Promise<{ error: unknown; atMs: number }> {
  return rejectionOf(await outcome(rig, call));
}

/** A deadline one call budget from now. */
export const by = (rig: DriverRig): CallOptions => ({ deadlineMs: rig.clock.now() + rig.callMs });

export const read = (rig: DriverRig): Promise<DriveStatus> => value(rig, rig.driver.readStatus(by(rig)));

/** Lets `ms` pass, reading status meanwhile as a supervisor would (a drive's watchdog holds an axis nobody talks to). */
export async function pass(rig: DriverRig, ms: number): Promise<DriveStatus> {
  const endMs = rig.clock.now() + ms;
  for (;;) {
    const status = await read(rig);
    const leftMs = endMs - rig.clock.now();
    if (leftMs <= 0) return status;
    await sleep(rig, Math.min(POLL_MS, leftMs));
  }
}

/** Reads status until `done` holds for it; fails after `limitMs`. */
export async function until(rig: DriverRig, done: (status: DriveStatus) => boolean, limitMs: number): Promise<DriveStatus> {
  const endMs = rig.clock.now() + limitMs;
  for (;;) {
    const status = await read(rig);
    if (done(status)) return status;
    if (rig.clock.now() >= endMs) throw new Error(`status never settled within ${limitMs} ms: ${JSON.stringify(status)}`);
    await sleep(rig, POLL_MS);
  }
}

/** Lets `ms` pass without a word to the drive. */
export async function sleep(rig: DriverRig, ms: number): Promise<void> {
  const { clock } = rig;
  if (clock instanceof VirtualClock) await clock.advanceBy(ms);
  else await clock.sleep(ms);
}
