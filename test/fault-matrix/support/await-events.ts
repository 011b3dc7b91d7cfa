import { RealClock } from '../../../src/common/clock.ts';
import { withDeadline } from '../../../src/common/deadline.ts';
import type { JsonEvent, SupervisorProcess } from '../../support/supervisor-process.ts';

const clock = new RealClock();

/**
 * Resolves once the supervisor's events so far satisfy `done`, looking again each time its stdout
 * brings more (runSupervisor parses a chunk before this listener sees it); rejects after `timeoutMs`
 * with `what` and the last events, so a stuck run says where it stuck.
 */
export function untilEvents(
  run: SupervisorProcess,
  done: (events: readonly JsonEvent[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const stdout = run.child.stdout!;
  let seenThem = (): void => undefined;
  const seen = new Promise<void>((resolve) => (seenThem = resolve));
  const look = (): void => {
    if (done(run.events)) seenThem();
  };
  stdout.on('data', look);
  look();
  const tail = () =>
    run.events
      .slice(-15)
      .map((e) => JSON.stringify(e))
      .join('\n');
  return withDeadline(
    clock,
    seen,
    clock.now() + timeoutMs,
    () => new Error(`${what}: not seen within ${timeoutMs} ms; last events:\n${tail()}\nstderr: ${run.stderr()}`),
  ).finally(() => stdout.off('data', look));
}
