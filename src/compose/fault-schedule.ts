import type { SimulatedDrive } from '../../sim/simulated-drive.ts';
import type { Clock } from '../common/clock.ts';
import { disposeAll, disposableOnce, type Disposable } from '../common/disposable.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import type { FaultScheduleEntry } from '../config/index.ts';
import type { SimFaultEvent } from '../events/events.ts';

/**
 * Plays the config's fault schedule against the simulated drives, on the run's clock, with times
 * relative to `startMs`. Dispose to cancel what has not happened yet.
 */
export function playFaultSchedule(
  entries: readonly FaultScheduleEntry[],
  drives: ReadonlyMap<string, SimulatedDrive>,
  clock: Clock,
  startMs: number,
): { readonly onFault: Event<SimFaultEvent>; readonly schedule: Disposable } {
  const emitter = new EventEmitter<SimFaultEvent>();
  const timers: Disposable[] = [];
  for (const entry of entries) {
    const drive = drives.get(entry.axis);
    // The config validation guarantees a simulated axis; a miss here is a wiring bug.
    if (!drive) throw new Error(`fault schedule names '${entry.axis}', which has no simulated drive`);
    const report = (action: SimFaultEvent['action']) =>
      emitter.emit({ type: 'sim_fault', atMs: clock.now(), axis: entry.axis, action, fault: entry.fault });
    timers.push(
      clock.setTimer(
        () => {
          const injected = drive.injectFault(entry.fault);
          report('inject');
          if (entry.clearAtMs === undefined) return;
          timers.push(
            clock.setTimer(() => {
              injected.dispose();
              report('clear');
            }, entry.clearAtMs - entry.atMs),
          );
        },
        startMs + entry.atMs - clock.now(),
      ),
    );
  }
  return { onFault: emitter.event, schedule: disposableOnce(() => disposeAll(timers)) };
}
