import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import { buildLine, type BuiltLine } from '../../../src/compose/build-line.ts';
import { playFaultSchedule } from '../../../src/compose/fault-schedule.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { Journal } from '../../../src/journal/index.ts';
import type { DriveRequest } from '../../../sim/simulated-drive.ts';
import type { SimFaultEvent, SupervisorEvent } from '../../../src/events/events.ts';

/** One entry of the merged timeline, in the order things happened (not only by time). */
export type TimelineEntry =
  | { readonly kind: 'event'; readonly event: SupervisorEvent | SimFaultEvent }
  | {
      readonly kind: 'request';
      readonly axis: string;
      readonly atMs: number;
      readonly request: DriveRequest;
      readonly outcome: string;
      /** The drive's actual position when the request arrived. */
      readonly actualMm: number;
    };

/** A line from YAML on a virtual clock whose events and drive requests land in one ordered timeline, and in a journal file. */
export interface MatrixLine {
  readonly clock: VirtualClock;
  readonly line: BuiltLine;
  readonly periodMs: number;
  readonly timeline: TimelineEntry[];
  readonly events: Array<SupervisorEvent | SimFaultEvent>;
  readonly fatal: unknown[];
  readonly journalPath: string;
  runUntil(done: () => boolean, limitMs?: number): Promise<boolean>;
  /** Runs until every job is settled (or `limitMs`), then stops the supervisor and closes the journal. */
  runToEnd(limitMs?: number): Promise<void>;
  stop(): Promise<void>;
  requestsOf(axis: string, op?: DriveRequest['op']): Array<Extract<TimelineEntry, { kind: 'request' }>>;
  eventsOf<T extends SupervisorEvent['type']>(type: T): Array<Extract<SupervisorEvent, { type: T }>>;
}

export function startMatrixLine(yaml: string): MatrixLine {
  const config = parseConfig(yaml, 'matrix.yaml');
  const clock = new VirtualClock();
  const line = buildLine(config, clock);
  const timeline: TimelineEntry[] = [];
  const events: Array<SupervisorEvent | SimFaultEvent> = [];
  const fatal: unknown[] = [];
  const journalPath = join(mkdtempSync(join(tmpdir(), 'axisguard-matrix-')), 'journal.jsonl');
  const journal = new Journal(journalPath);
  const onEvent = (event: SupervisorEvent | SimFaultEvent) => {
    events.push(event);
    timeline.push({ kind: 'event', event });
    journal.append(event);
  };
  line.supervisor.onEvent(onEvent);
  line.supervisor.onFatal((e) => fatal.push(e));
  for (const [axis, drive] of line.simulators)
    drive.onRequest((r) => timeline.push({ kind: 'request', axis, ...r, actualMm: drive.peekStatus().positionMm }));
  playFaultSchedule(config.simulation.faults, line.simulators, clock, 0).onFault(onEvent);
  line.supervisor.start();
  const runUntil = (done: () => boolean, limitMs = 120_000) => clock.runUntil(done, limitMs);
  let closed = false;
  const stop = async () => {
    if (closed) return;
    let stopped = false;
    void line.supervisor.stop('test over').then(() => (stopped = true));
    await clock.runUntil(() => stopped);
    closed = true;
    journal.close();
  };
  return {
    clock,
    line,
    periodMs: config.cycle.periodMs,
    timeline,
    events,
    fatal,
    journalPath,
    runUntil,
    stop,
    async runToEnd(limitMs = 120_000) {
      await runUntil(() => line.supervisor.isSettled(), limitMs);
      await stop();
    },
    requestsOf: (axis, op) =>
      timeline.filter(
        (t): t is Extract<TimelineEntry, { kind: 'request' }> =>
          t.kind === 'request' && t.axis === axis && (op === undefined || t.request.op === op),
      ),
    eventsOf: <T extends SupervisorEvent['type']>(type: T) =>
      events.filter((e): e is Extract<SupervisorEvent, { type: T }> => e.type === type),
  };
}

export const job = (id: string, axis: string, targets: number[], speed = 300) =>
  `  - id: ${id}\n    axis: ${axis}\n    moves:\n${targets.map((t) => `      - { positionMm: ${t}, speedMmPerS: ${speed} }`).join('\n')}\n`;

export const fault = (axis: string, atMs: number, spec: string, clearAtMs?: number) =>
  `    - { axis: ${axis}, atMs: ${atMs}, ${clearAtMs === undefined ? '' : `clearAtMs: ${clearAtMs}, `}fault: ${spec} }\n`;
