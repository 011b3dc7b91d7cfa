import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { encodeRuns, type RegisterRun } from './register-codec.ts';

/** One exchange of a move: a read or a write of `registers` holding registers. */
export interface MoveExchange {
  readonly kind: 'read' | 'write';
  readonly registers: number;
}

/** The set-point writes of a move, target position and profile speed in counts: one per run of adjacent registers. */
export function moveSetpointRuns(profile: DriveProfile, targetCounts: number, speedCounts: number): RegisterRun[] {
  const { registers, wordOrder } = profile;
  return encodeRuns(
    [
      { field: registers.targetPosition, value: targetCounts },
      { field: registers.profileSpeed, value: speedCounts },
    ],
    wordOrder,
  );
}

/**
 * The exchanges ModbusAxisDriver.moveTo makes, in order, once a line runs: the status read
 * (`statusRegisters`), the set-point writes, then the control word twice: the previous move's start
 * edge dropped and raised again. (A driver's first move reads the control word back instead of
 * dropping an edge: as many exchanges, one byte shorter.) The one description of a move on the bus,
 * for the config's timing checks; a driver test holds moveTo to it.
 */
export function moveExchanges(profile: DriveProfile, statusRegisters: number): MoveExchange[] {
  return [
    { kind: 'read', registers: statusRegisters },
    ...moveSetpointRuns(profile, 0, 0).map((run): MoveExchange => ({ kind: 'write', registers: run.values.length })),
    { kind: 'write', registers: 1 },
    { kind: 'write', registers: 1 },
  ];
}
