import { setPriority } from 'node:os';
import { CYCLE_NICE } from '../../src/realtime/cycle-priority.ts';

/**
 * The nice value given to the processes that stand in for hardware (the simulated drives, the socat
 * wire): the supervisor's own (CYCLE_NICE), so that neither side is put ahead of the other.
 */
const HARDWARE_NICE = CYCLE_NICE;

/**
 * Runs a stand-in for hardware ahead of ordinary processes, where the test may (as root; elsewhere
 * it stays as it is). A real drive and a real UART answer on their own silicon, however busy the
 * controller is; the simulator and socat share the test machine's CPUs with the supervisor under
 * test and with busy-loop load. Only the supervisor itself should feel that load. (`axisguard sim`
 * claims this priority itself once its command runs, src/realtime/cycle-priority.ts; set from here
 * it holds from the spawn on, through the sim's start-up, and whatever nice the test runner has.)
 */
export function runAsHardware(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, HARDWARE_NICE);
  } catch {
    // Not permitted (not root): the stand-in keeps the default priority.
  }
}
