import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';

/**
 * How often to pet the service manager's watchdog, in ms: half of WATCHDOG_USEC, as sd_watchdog_enabled(3)
 * advises. Undefined when there is no watchdog for this process: WATCHDOG_USEC unset or not a positive
 * number, or WATCHDOG_PID naming another process (the variables were inherited from a parent).
 */
export function watchdogPetIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return usec / 1000 / 2;
}

export interface WatchdogPetterOptions {
  readonly clock: Clock;
  /** Time between two pet decisions, ms (see watchdogPetIntervalMs). */
  readonly intervalMs: number;
  /**
   * A count that the work being watched advances while it is healthy (the supervisor's `ticks`).
   * It must advance more often than `intervalMs`.
   */
  readonly progress: () => number;
  /** Sends one pet (WATCHDOG=1). */
  readonly pet: () => void;
  /** Called once each time progress that was moving stops, with how long since it last moved, ms. */
  readonly onStall: (stalledForMs: number) => void;
}

/**
 * Pets a watchdog only while the watched work makes progress. Every `intervalMs` it compares
 * `progress()` with the value at the previous decision: advanced -> pet; unchanged -> no pet, so
 * the service manager's watchdog expires and restarts the service. The decisions run on the
 * Clock's timers, i.e. on the same event loop as the work: a hung event loop sends no pets at all.
 */
export class WatchdogPetter implements Disposable {
  private lastProgress: number;
  private lastMovedAtMs: number;
  /** Starts true: nothing to report until the work has been seen moving (a line still opening its buses). */
  private stalled = true;
  private timer: Disposable | undefined;

  constructor(private readonly options: WatchdogPetterOptions) {
    this.lastProgress = options.progress();
    this.lastMovedAtMs = options.clock.now();
    this.schedule();
  }

  /** Stops deciding; no pet is sent after this. */
  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimer(() => {
      this.decide();
      if (this.timer) this.schedule();
    }, this.options.intervalMs);
  }

  private decide(): void {
    const { clock, progress, pet, onStall } = this.options;
    const now = progress();
    if (now !== this.lastProgress) {
      this.lastProgress = now;
      this.lastMovedAtMs = clock.now();
      this.stalled = false;
      pet();
      return;
    }
    if (this.stalled) return;
    this.stalled = true;
    onStall(clock.now() - this.lastMovedAtMs);
  }
}
