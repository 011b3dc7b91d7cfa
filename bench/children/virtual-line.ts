import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { buildLine, type BuiltLine } from '../../src/compose/build-line.ts';
import { playFaultSchedule } from '../../src/compose/fault-schedule.ts';
import type { Config } from '../../src/config/index.ts';

/** A line started on a virtual clock, recording nothing (a soak must not measure its own logs). */
export interface VirtualLine {
  readonly clock: VirtualClock;
  readonly line: BuiltLine;
  /** Programming errors that escaped an axis task; a benchmark with any is void. */
  readonly fatal: unknown[];
  /** Stops the supervisor (holding every axis) and runs the clock until that has settled. */
  stop(): Promise<void>;
}

/** Builds the line, plays its fault schedule and starts the supervision cycle at virtual time 0. */
export function startVirtualLine(config: Config): VirtualLine {
  const clock = new VirtualClock();
  const line = buildLine(config, clock);
  const fatal: unknown[] = [];
  line.supervisor.onFatal((error) => fatal.push(error));
  playFaultSchedule(config.simulation.faults, line.simulators, clock, 0);
  line.supervisor.start();
  return {
    clock,
    line,
    fatal,
    async stop() {
      let stopped = false;
      void line.supervisor.stop('benchmark over').then(() => (stopped = true));
      await clock.runUntil(() => stopped);
      await line.close();
    },
  };
}
