import type { RequestRecord } from '../simulated-drive.ts';
import type { SimFaultSpec } from './sim-faults.ts';

/**
 * What a SimServer reports, per unit; `atMs` on the server's Clock.
 * - command: a control word write made the drive apply (or refuse) a command; watchdog holds too.
 * - fault_injected / fault_cleared: a fault began or ended on the unit.
 * - watchdog_hold: the drive's comm-loss watchdog held the enabled axis after `silentForMs` without a
 *   request (its timeout register said `timeoutMs`); a command event for the hold follows.
 */
export type SimEvent =
  | ({ readonly type: 'command'; readonly unitId: number } & RequestRecord)
  | { readonly type: 'fault_injected'; readonly atMs: number; readonly unitId: number; readonly fault: SimFaultSpec }
  | { readonly type: 'fault_cleared'; readonly atMs: number; readonly unitId: number; readonly fault: SimFaultSpec }
  | {
      readonly type: 'watchdog_hold';
      readonly atMs: number;
      readonly unitId: number;
      readonly silentForMs: number;
      readonly timeoutMs: number;
    };
