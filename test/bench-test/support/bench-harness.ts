import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, type BenchOptions } from '../../../src/bench-test/bench-run.ts';
import type { BenchDocument } from '../../../src/bench-test/bench-report.ts';
import type { BenchRequest } from '../../../src/bench-test/bench-plan.ts';
import { EventEmitter } from '../../../src/common/event.ts';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import type { BuiltLine } from '../../../src/compose/build-line.ts';
import { loadLine } from '../../../src/compose/load-line.ts';
import { DEMO_CONFIG_PATH } from '../../../src/cli/run-command.ts';
import type { DriveRequest } from '../../../sim/simulated-drive.ts';

/** A request one of the simulated drives received, with which built line (0 = the probe read, 1 = the test) it came from. */
export interface SeenRequest {
  readonly line: number;
  readonly axis: string;
  readonly atMs: number;
  readonly request: DriveRequest;
}

export interface BenchRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly dir: string;
  readonly clock: VirtualClock;
  readonly lines: BuiltLine[];
  readonly requests: SeenRequest[];
  /** The JSON file written (the first of the folder). */
  document(): BenchDocument;
  svg(): string;
}

export interface BenchSetup {
  readonly axis?: string;
  readonly request?: BenchRequest;
  readonly assumeYes?: boolean;
  /** Answer to the confirmation; undefined = stdin is not a terminal. */
  readonly answer?: string;
  /** Called for every line as it is built, with its index (0 = probe, 1 = test) and an interrupt trigger. */
  readonly onLine?: (line: BuiltLine, index: number, clock: VirtualClock, interrupt: (how: string) => void) => void;
}

const textSink = () => {
  const sink = {
    text: '',
    write: (chunk: string) => {
      sink.text += chunk;
      return true;
    },
  };
  return sink;
};

/** Runs `axisguard bench` in process on the built-in demo line, in virtual time, into a fresh folder. */
export async function benchDemo(setup: BenchSetup = {}): Promise<BenchRun> {
  const dir = mkdtempSync(join(tmpdir(), 'axisguard-bench-'));
  const loaded = await loadLine(DEMO_CONFIG_PATH);
  const clock = new VirtualClock();
  const interrupts = new EventEmitter<string>();
  const out = textSink();
  const err = textSink();
  const lines: BuiltLine[] = [];
  const requests: SeenRequest[] = [];
  const options: BenchOptions = {
    source: 'demo-line.yaml',
    axisId: setup.axis ?? 'pickA',
    request: setup.request ?? {},
    outDir: dir,
    assumeYes: setup.assumeYes ?? true,
  };
  const answer = setup.answer;
  const code = await runBench(
    loaded,
    options,
    clock,
    {
      out: out as unknown as NodeJS.WritableStream,
      err: err as unknown as NodeJS.WritableStream,
      confirm: answer === undefined ? undefined : async () => answer === 'yes',
      onInterrupt: interrupts.event,
    },
    {
      onLine: (line) => {
        const index = lines.push(line) - 1;
        for (const [axis, drive] of line.simulators)
          drive.onRequest((r) => requests.push({ line: index, axis, atMs: r.atMs, request: r.request }));
        setup.onLine?.(line, index, clock, (how) => interrupts.emit(how));
      },
    },
  );
  const file = (ext: string) => readFileSync(join(dir, `bench-${options.axisId}-1.${ext}`), 'utf8');
  return {
    code,
    out: out.text,
    err: err.text,
    dir,
    clock,
    lines,
    requests,
    document: () => JSON.parse(file('json')) as BenchDocument,
    svg: () => file('svg'),
  };
}

/** Requests that can make the axis move or power it. */
export const MOTION_OPS = new Set<DriveRequest['op']>(['moveTo', 'enable']);

/**
 * A small well-formedness check, enough for the SVG we write: one root element, every tag closed in
 * order, attributes quoted, no raw `<` or stray `&` in text. Returns the problems, empty when fine.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const text = body.slice(last, match.index);
    if (/[<>]|&(?!(amp|lt|gt|quot|apos);)/.test(text))
      problems.push(`bad text before offset ${match.index}: ${JSON.stringify(text.slice(0, 40))}`);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (stack.length === 0 && !closing) roots++;
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing) stack.push(name!);
  }
  if (body.slice(last).trim() !== '') problems.push('text or a malformed tag after the last tag');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
