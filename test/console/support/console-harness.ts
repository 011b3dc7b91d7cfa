import { ConsoleHost, type ConsoleHostOptions } from '../../../src/console/console-host.ts';
import { hashPin } from '../../../src/console/pin-hash.ts';
import type { Session, SessionMode } from '../../../src/console/session.ts';
import { parseConfig, type Config, type ConsoleConfig } from '../../../src/config/index.ts';
import { startLine, type LineHarness } from '../../support/line-harness.ts';
import { MemoryTerminal } from './memory-terminal.ts';
import { serialStreamOpener } from '../../../src/compose/console-serial.ts';
import type { ConsoleEvent } from '../../../src/events/events.ts';

export const PIN = '2468';
let pinHash: Promise<string> | undefined;
/** One hash for the whole run: scrypt takes ~50 ms. */
export const testPinHash = (): Promise<string> => (pinHash ??= hashPin(PIN));

/** A `console:` section for lineYaml's output. */
export async function consoleYaml(extra = ''): Promise<string> {
  return `console:\n  socket: {}\n  idleLogoutS: 60\n  operators:\n    - { name: ana, pinHash: "${await testPinHash()}" }\n${extra}`;
}

export interface ConsoleRig {
  readonly h: LineHarness;
  readonly host: ConsoleHost;
  readonly term: MemoryTerminal;
  readonly session: Session;
  readonly consoleEvents: ConsoleEvent[];
  /** Drive requests other than status reads since the axes came up (powering them excluded). */
  commandRequests(): LineHarness['requests'];
  /** Runs virtual time until the output matches (or limitMs of virtual time passed). */
  runUntilOutput(pattern: RegExp | string, limitMs?: number): Promise<void>;
  /** Waits in real time, the virtual clock standing still (PIN checks run on the thread pool). */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Types `line` + Enter and runs virtual time until `until` shows up. */
  command(line: string, until: RegExp | string): Promise<void>;
  /** Types each of `lines` + Enter and runs virtual time until as many `error: ` lines show up. */
  commandsRefused(lines: readonly string[]): Promise<void>;
  /** Logs in as ana with the right PIN. */
  login(): Promise<void>;
}

const matches = (text: string, pattern: RegExp | string): boolean =>
  typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);

/** A line from YAML (which must carry a console section) with a console session over an in-memory terminal. */
export async function consoleRig(
  yaml: string,
  session: { mode?: SessionMode; requireLogin?: boolean; closeWhenIdle?: boolean } = {},
  host: Partial<Pick<ConsoleHostOptions, 'simulators' | 'limits'>> = {},
): Promise<ConsoleRig> {
  const h = startLine(yaml);
  const config = parseConfig(yaml, 'test.yaml') as Config & { console: ConsoleConfig };
  const consoleHost = new ConsoleHost({
    config,
    supervisor: h.line.supervisor,
    simulators: host.simulators ?? h.line.simulators,
    clock: h.clock,
    startMs: 0,
    version: 'test',
    openSerial: serialStreamOpener(h.clock),
    ...(host.limits ? { limits: host.limits } : {}),
  });
  const consoleEvents: ConsoleEvent[] = [];
  consoleHost.onEvent((e) => {
    if (e.type !== 'sim_fault') consoleEvents.push(e);
  });
  // Every axis powered (they power up one at a time, so a busy one may already be moving).
  await h.runUntil(() => h.line.supervisor.snapshot().every((s) => s.state !== 'Disabled'));
  const baseline = h.requests.length;
  const term = new MemoryTerminal();
  const attached = consoleHost.attach({
    stream: term.stream,
    label: 'serial',
    mode: session.mode ?? 'plain',
    requireLogin: session.requireLogin ?? true,
    closeWhenIdle: session.closeWhenIdle ?? false,
    endStreamOnClose: true,
  });
  const runUntilOutput = async (pattern: RegExp | string, limitMs = 20_000) => {
    const until = h.clock.now() + limitMs;
    await h.runUntil(() => matches(term.output, pattern), until);
    if (!matches(term.output, pattern)) throw new Error(`no ${String(pattern)} in the output after ${limitMs} ms:\n${term.output}`);
  };
  const waitForOutput = async (pattern: RegExp | string, timeoutMs = 5000) => {
    const start = Date.now();
    while (!matches(term.output, pattern)) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`no ${String(pattern)} in the output after ${timeoutMs} ms (real):\n${term.output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return {
    h,
    host: consoleHost,
    term,
    session: attached,
    consoleEvents,
    commandRequests: () => h.requests.slice(baseline).filter((r) => r.request.op !== 'readStatus'),
    runUntilOutput,
    waitForOutput,
    async command(line, until) {
      term.type(`${line}\n`);
      await runUntilOutput(until);
    },
    async commandsRefused(lines) {
      for (const line of lines) term.type(`${line}\n`);
      await runUntilOutput(new RegExp(`(error: .*\\n){${lines.length}}`));
    },
    async login() {
      term.type('login ana\n');
      term.type(`${PIN}\n`);
      await waitForOutput('logged in as ana');
    },
  };
}
