import type { Config } from '../config/index.ts';
import { readJournal } from '../journal/index.ts';
import {
  LINE_STATE_RECORD,
  LineStateTracker,
  emptyLineState,
  foldLineState,
  type DurableAxis,
  type DurableJob,
  type LineDefinitions,
  type LineState,
} from '../line/line-state.ts';
import { lineDefinitions, planRestore, type RestorePlan } from '../line/restore-plan.ts';
import type { ConsoleHost } from '../console/console-host.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { brandGuard } from '../common/branded-error.ts';

/** The journal exists but cannot be read: its line state is unknown, so the run does not start (unless --fresh). */
export class LineStateUnreadableError extends Error {
  readonly isLineStateUnreadableError = true;
  override readonly name = 'LineStateUnreadableError';

  constructor(path: string, cause: Error) {
    super(
      `cannot read the journal '${path}' to restore the line state (${cause.message}): latched trips and parked jobs would be forgotten. ` +
        'Fix its permissions, or start a new line state on purpose with --fresh',
      { cause },
    );
  }
}

export const isLineStateUnreadableError = brandGuard<LineStateUnreadableError>('isLineStateUnreadableError');

/** A run's durable line state: what it took over, and the tracker its journalled events keep current. */
export interface DurableLine {
  /** What the supervisor takes over before it starts; undefined on a fresh start or without a journal. */
  readonly plan: RestorePlan | undefined;
  /** Fed every event the run journals; its snapshot is the checkpoint. */
  readonly tracker: LineStateTracker;
  /** The whole line state as one journal record: at the run's start and at the top of each rotated file. */
  checkpoint(atMs: number): { readonly type: typeof LINE_STATE_RECORD; readonly atMs: number; readonly state: LineState };
}

/**
 * Reads the line state the journal at `journalPath` holds (the last run's, from its last checkpoint
 * on) and plans how this run takes it over. A journal that does not exist yet is a first run; one
 * that cannot be read refuses the start (LineStateUnreadableError). `fresh` starts a new line
 * state on purpose (the journal records that the run did).
 */
export async function openDurableLine(journalPath: string | undefined, config: Config, fresh: boolean): Promise<DurableLine> {
  const definitions = lineDefinitions(config.axes, config.jobs);
  const previous = journalPath === undefined || fresh ? undefined : await readLineState(journalPath);
  const plan = previous && planRestore(previous, definitions);
  const tracker = new LineStateTracker(plan ? stateOf(plan, definitions) : emptyLineState(definitions));
  return { plan, tracker, checkpoint: (atMs) => ({ type: LINE_STATE_RECORD, atMs, state: tracker.snapshot() }) };
}

async function readLineState(path: string): Promise<LineState | undefined> {
  try {
    const { events } = await readJournal(path);
    return foldLineState(events, { axes: {}, jobs: {} });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LineStateUnreadableError(path, error instanceof Error ? error : new Error(String(error)));
  }
}

/** The line state this run starts from: what the plan took over, under the current config's definitions. */
function stateOf(plan: RestorePlan, definitions: LineDefinitions): LineState {
  const axes: Record<string, DurableAxis> = {};
  for (const [id, axis] of plan.axes) {
    axes[id] = {
      ...(axis.latchedTrip ? { latched: axis.latchedTrip } : {}),
      ...(axis.disabled ? { disabled: true } : {}),
      ...(axis.isolatedBy.length ? { isolatedBy: axis.isolatedBy } : {}),
      ...(axis.baselines ? { baselines: axis.baselines } : {}),
    };
  }
  const jobs: Record<string, DurableJob> = {};
  for (const [id, job] of plan.jobs) jobs[id] = { ...job };
  return { axes, jobs, definitions };
}

/**
 * Isolation holds an earlier run left are taken again as the line starts, by the same holder: with a
 * console, that holder releases them there as before; without one they stay until a `--fresh` start.
 */
export function retakeIsolations(
  plan: RestorePlan | undefined,
  supervisor: Pick<Supervisor, 'operator'>,
  consoleHost: Pick<ConsoleHost, 'adoptIsolation'> | undefined,
): void {
  for (const { axis, by } of plan?.report.isolated ?? []) {
    const hold = supervisor.operator.isolate(axis, by);
    consoleHost?.adoptIsolation(axis, by, hold);
  }
}
