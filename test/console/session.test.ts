import { describe, expect, it } from 'vitest';
import { DROPPED_MARKER } from '../../src/console/bounded-output.ts';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { PIN, consoleRig, consoleYaml } from './support/console-harness.ts';

const twoAxes = async (extra = '') => `${lineYaml({ axes: simAxis('a') + simAxis('b') })}\n${await consoleYaml(extra)}`;
const stateOf = (rig: { h: { line: { supervisor: { snapshot(): { id: string; state: string }[] } } } }, id: string) =>
  rig.h.line.supervisor.snapshot().find((s) => s.id === id)!.state;

describe('console session', () => {
  it('answers status with the table of every axis, no login needed', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.command('status', /recent events:/);
    expect(rig.term.output).toMatch(/^axis +state +brk +pos mm +ferr mm +job$/m);
    expect(rig.term.output).toMatch(/^a +still +ok +0\.00 +0\.000 +idle$/m);
    expect(rig.term.output).toMatch(/^b +still +ok/m);
    await rig.h.stop();
  });

  it('status --watch redraws the table once a second for the frames asked, and a typed line stops it', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.command('status --watch 3', 'watch ended: 3 frames shown');
    expect(rig.term.output.match(/^axis +state +brk/gm)).toHaveLength(3);
    expect(rig.term.output).toContain('(frame 3 of at most 3; type a line or Ctrl-C to stop)');
    await rig.command('status --watch', '(frame 2 of at most 60');
    await rig.command('hold a', 'a: held');
    expect(rig.term.output).toContain('watch ended: a line was typed');
    expect(rig.term.output.indexOf('watch ended: a line was typed')).toBeLessThan(rig.term.output.indexOf('a: held'));
    await rig.commandsRefused(['status --watch 0', 'status --soon']);
    expect(rig.term.output).toMatch(/error: status: --watch takes 1 to 600 frames, got 0/);
    expect(rig.term.output).toMatch(/error: status: unexpected "--soon"; usage: status \[--watch \[frames\]\]/);
    await rig.h.stop();
  });

  it('holds an axis without a login, and the hold reaches the drive at once', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.command('hold a', 'a: held');
    expect(rig.term.lines()).toEqual(['a: held, Stopping; the drive confirmed the hold']);
    expect(stateOf(rig, 'a')).toBe('Stopping');
    expect(rig.commandRequests().map((r) => `${r.axis} ${r.request.op}`)).toEqual(['a hold']);
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_command', by: 'console:serial', command: 'hold a', outcome: 'ok' });
    await rig.h.stop();
  });

  it('holds every axis with hold all, one line per axis', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.command('hold all', /b: held.*\n/);
    expect(rig.term.lines()).toEqual([
      'a: held, Stopping; the drive confirmed the hold',
      'b: held, Stopping; the drive confirmed the hold',
    ]);
    await rig.h.stop();
  });

  it('refuses motion commands before login with one line each, and nothing reaches a drive', async () => {
    const rig = await consoleRig(await twoAxes());
    const commands = ['enable a', 'release a', 'reset a', 'jog a 5', 'disable a', 'isolate a', 'sim inject a jam'];
    for (const line of commands) rig.term.type(`${line}\n`);
    await rig.runUntilOutput(/sim.*needs an operator login/);
    expect(rig.term.lines()).toEqual(
      commands.map((c) => `error: '${c.split(' ')[0]}' needs an operator login on this console; type: login <name>`),
    );
    expect(rig.commandRequests()).toEqual([]);
    await rig.h.stop();
  });

  it('logs an operator in with the right PIN and lets them release a held axis', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.command('hold a', 'a: held');
    await rig.login();
    expect(rig.term.output).toContain('logged in as ana (idle logout after 60 s)');
    expect(rig.consoleEvents).toContainEqual(expect.objectContaining({ type: 'console_login', operator: 'ana', outcome: 'ok' }));
    await rig.command('release a', 'a: released');
    expect(stateOf(rig, 'a')).toBe('Standstill');
    expect(rig.h.eventsOf('axis_state').at(-1)).toMatchObject({ axis: 'a', to: 'Standstill', reason: 'released by console:ana' });
    await rig.h.stop();
  });

  it('resets a tripped axis only after "yes", and cancels the reset on any other answer', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.login();
    await rig.command('sim inject a alarm 7', 'injected');
    await rig.h.runUntil(() => stateOf(rig, 'a') === 'ErrorStop');
    await rig.command('sim clear a', 'cleared');
    rig.term.clear();
    await rig.command('reset a', 'Type yes to confirm:');
    expect(rig.term.lines()).toEqual([
      expect.stringMatching(/^reset a: clears the latched alarm \(drive alarm code 7\), clears the drive alarm/),
    ]);
    await rig.command('no', 'cancelled');
    expect(rig.term.lines().at(-1)).toBe('reset a cancelled');
    expect(rig.commandRequests().filter((r) => r.request.op === 'resetAlarm')).toEqual([]);
    expect(stateOf(rig, 'a')).toBe('ErrorStop');
    await rig.command('reset a', /Type yes to confirm:\n(?![\s\S]*Type yes)/);
    rig.term.clear();
    await rig.command('yes', 'a: reset');
    expect(rig.term.lines()).toEqual(['a: reset, Standstill']);
    expect(rig.commandRequests().filter((r) => r.request.op === 'resetAlarm')).toHaveLength(1);
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_command', by: 'console:ana', command: 'reset a', outcome: 'ok' });
    await rig.h.stop();
  });

  it('shows a degraded axis in `axis`, and `relearn` after a "yes" forgets its baselines', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.login();
    await rig.command('sim inject a degrading_link 0.05', 'injected');
    await rig.h.runUntil(() => rig.h.eventsOf('degraded').length > 0, 900_000);
    rig.term.clear();
    await rig.command('axis a', 'retried exchanges:');
    expect(rig.term.output).toMatch(/^ {2}degradation: DEGRADED \(corrupt rate\), plan warn$/m);
    // Injected from the start, the link learned a baseline that was already a little corrupt: it degrades all the same.
    expect(rig.term.output).toMatch(/corrupt rate \d+\.\d % \(baseline \d+\.\d %, DEGRADED\)/);
    expect(rig.term.output).toMatch(/read time 1\.00 ms \(baseline 1\.00 ms\)/);
    expect(rig.term.output).toMatch(/^ {2}retried exchanges: crc 0, garbled [1-9]\d*, timeout 0$/m);
    // The minutes of virtual time it took logged the technician out (idle); back in.
    await rig.login();
    await rig.command('relearn a', 'Type yes to confirm:');
    expect(rig.term.output).toMatch(/relearn a: it is degraded \(plan warn\); forgets what its healthy signals look like/);
    rig.term.clear();
    await rig.command('yes', 'learning');
    expect(rig.term.lines()).toEqual(['a: learning its baselines again']);
    expect(rig.h.eventsOf('relearn')).toMatchObject([{ axis: 'a', by: 'console:ana' }]);
    expect(rig.h.line.supervisor.axisDetail('a').degradation.degraded).toBe(false);
    await rig.h.stop();
  });

  it('lets a hold through at once while a reset waits for its "yes", and cancels the reset', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.login();
    await rig.command('isolate a', 'isolated by');
    await rig.command('isolate a off', 'your isolation released');
    await rig.h.runUntil(() => rig.h.line.supervisor.axisDetail('a').breaker.state === 'closed', 10_000);
    await rig.command('reset a', 'Type yes');
    rig.term.clear();
    await rig.command('hold b', 'b: held');
    expect(rig.term.lines()).toEqual(['reset a cancelled: a hold came first', 'b: held, Stopping; the drive confirmed the hold']);
    rig.term.clear();
    await rig.command('yes', 'error');
    expect(rig.term.lines()).toEqual(['error: unknown command "yes"; type help for the list']);
    expect(stateOf(rig, 'a')).toBe('ErrorStop');
    await rig.h.stop();
  });

  it('refuses a wrong PIN, journals it, and locks logins for longer after each failure', async () => {
    const rig = await consoleRig(await twoAxes());
    rig.term.type('login ana\n0000\n');
    await rig.waitForOutput('error: wrong operator name or PIN (1 in a row); the next login is possible in 1.0 s');
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_login', operator: 'ana', outcome: 'refused', failures: 1 });
    await rig.command('login ana', 'locked');
    expect(rig.term.lines().at(-1)).toBe('error: login locked for 1.0 s more after 1 wrong PINs');
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_login', outcome: 'locked' });
    await rig.h.clock.advanceBy(1000);
    rig.term.type('login nobody\n1111\n');
    await rig.waitForOutput('(2 in a row); the next login is possible in 2.0 s');
    await rig.h.clock.advanceBy(1500);
    await rig.command('login ana', 'login locked for 0.5 s more after 2 wrong PINs');
    await rig.h.clock.advanceBy(500);
    await rig.login();
    rig.term.clear();
    await rig.command('logout', 'logged out');
    rig.term.type('login ana\n9999\n');
    await rig.waitForOutput('(1 in a row)');
    await rig.h.stop();
  });

  it('logs an idle operator out after idleLogoutS, and motion needs a login again', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.login();
    const loggedInAt = rig.h.clock.now();
    await rig.h.runUntil(() => rig.h.clock.now() >= loggedInAt + 59_000);
    expect(rig.term.output).not.toContain('logged out');
    await rig.runUntilOutput('logged out after 60 s without input', 2000);
    expect(rig.consoleEvents.at(-1)).toMatchObject({ type: 'console_logout', operator: 'ana', reason: 'idle' });
    await rig.command('enable a', 'needs an operator login');
    await rig.h.stop();
  });

  it('closes an idle socket session, and cancels a question left unanswered when the input ends', async () => {
    const idle = await consoleRig(await twoAxes(), { requireLogin: false, closeWhenIdle: true });
    await idle.command('status', 'recent events:');
    await idle.runUntilOutput('session closed after 60 s without input', 61_000);
    expect(idle.term.ended).toBe(true);
    await idle.h.stop();

    const script = await consoleRig(await twoAxes(), { requireLogin: false });
    await script.command('isolate a', 'isolated by console:serial');
    script.term.type('isolate a off\nreset a\n');
    script.term.endInput();
    await script.runUntilOutput('reset a cancelled: input ended');
    expect(script.term.ended).toBe(true);
    expect(script.h.line.supervisor.axisDetail('a').snapshot.state).toBe('ErrorStop');
    await script.h.stop();
  });

  it('answers malformed, unknown and out-of-range input with one error line each, and moves nothing', async () => {
    const rig = await consoleRig(await twoAxes());
    await rig.login();
    rig.term.clear();
    const beforeStates = rig.h.eventsOf('axis_state').length;
    const inputs = [
      'stauts',
      'jog',
      'jog a',
      'jog a abc',
      'jog a 1e3',
      'jog a 0',
      'jog a 9999',
      'jog a -5',
      'jog a NaN',
      'jog zz 1',
      'jog a 5 6',
      'hold',
      'hold zz',
      'release zz',
      'reset a',
      'release a',
      'enable',
      'isolate a maybe',
      'isolate a off',
      'journal -3',
      'journal 99999',
      'journal 2.5',
      'journal --type nope',
      'journal --axis',
      'faults --bogus',
      'sim inject a meltdown',
      'sim inject a slow -1',
      'sim inject a alarm 0',
      'sim inject a dropout 2',
      'sim inject a jam now',
      'sim clear a 7',
      'sim blast a',
      'help nope',
      'status now',
      'login',
      'axis',
      '\u00e9t\u00e9 \u0000\u0007',
    ];
    await rig.commandsRefused(inputs);
    const lines = rig.term.lines();
    expect(lines).toHaveLength(inputs.length);
    for (const line of lines) expect(line).toMatch(/^error: \S/);
    expect(lines[0]).toBe('error: unknown command "stauts" (did you mean \'status\'?); type help for the list');
    expect(lines[6]).toBe('error: jog: "9999" out of range; expected a non-zero distance within +-600 mm (the travel of a)');
    expect(lines[7]).toBe('error: jog: a is at 0.00 mm; -5 mm would leave the travel [0, 600] mm');
    expect(lines[14]).toBe("error: axis 'a' refused 'reset' in state Standstill: there is no error to reset");
    expect(rig.commandRequests()).toEqual([]);
    expect(rig.h.eventsOf('axis_state')).toHaveLength(beforeStates);
    await rig.h.stop();
  });

  it('refuses a 100 kB line whole, survives random bytes, and moves nothing', async () => {
    for (const mode of ['plain', 'terminal'] as const) {
      const rig = await consoleRig(await twoAxes(), { mode });
      rig.term.type(`hold a${' '.repeat(100_000)}x\n`);
      await rig.runUntilOutput('line too long');
      expect(rig.term.output.match(/error: /g)).toHaveLength(1);
      expect(rig.term.output).toContain('error: line too long, ignored: lines are limited to 512 bytes; split the command');
      await rig.command('status', 'recent events:');
      let seed = 7;
      const random = Buffer.alloc(20_000, 0).map(() => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % 256;
      });
      rig.term.type(Buffer.concat([Buffer.from('\x1a\x03\x1b[\x1bO'), random, Buffer.from('\x1a\r\n')]));
      await rig.h.runUntil(() => rig.h.clock.now() >= 3000);
      expect(rig.commandRequests()).toEqual([]);
      expect(rig.h.fatal).toEqual([]);
      expect(rig.h.line.supervisor.snapshot().map((s) => s.state)).toEqual(['Standstill', 'Standstill']);
      await rig.h.stop();
    }
  });

  it('drops output for a terminal that stopped reading, without holding up the cycle, and says so once it reads again', async () => {
    const rig = await consoleRig(await twoAxes(), {}, { limits: { maxOutputBytes: 1 } });
    const cap = rig.term.stream.writableHighWaterMark;
    rig.term.pauseReader();
    const pollsBefore = rig.h.requestsOf('a', 'readStatus').length;
    for (let i = 0; i < 60; i++) rig.term.type('help\nconfig\n');
    await rig.h.runUntil(() => rig.h.clock.now() >= 5000);
    expect(rig.term.stream.writableLength).toBeLessThan(cap + 4096);
    expect(rig.h.requestsOf('a', 'readStatus').length - pollsBefore).toBeGreaterThan(400);
    rig.term.resumeReader();
    await rig.runUntilOutput(DROPPED_MARKER);
    expect(rig.term.output.split(DROPPED_MARKER)).toHaveLength(2);
    await rig.command('version', 'axisguard test on Node.js');
    await rig.h.stop();
  });

  it('keeps the PIN off the screen and out of the line history', async () => {
    const rig = await consoleRig(await twoAxes(), { mode: 'terminal' });
    rig.term.type('login ana\r');
    await rig.waitForOutput('PIN: ');
    rig.term.type(`${PIN}\r`);
    await rig.waitForOutput('logged in as ana');
    expect(rig.term.output).not.toContain(PIN);
    rig.term.clear();
    rig.term.type('\x1b[A');
    await rig.runUntilOutput('login ana');
    rig.term.type('\x1b[A\x1b[B\x1b[B');
    await rig.h.clock.advanceBy(10);
    expect(rig.term.output).not.toContain(PIN);
    await rig.h.stop();
  });

  it('completes commands and axis ids with tab in terminal mode', async () => {
    const rig = await consoleRig(await twoAxes(), { mode: 'terminal' });
    rig.term.type('ho\t');
    rig.term.type('b\r');
    await rig.runUntilOutput('b: held');
    await rig.h.stop();
  });

  it('refuses sim commands for an axis without a simulated drive', async () => {
    const rig = await consoleRig(await twoAxes(), {}, { simulators: new Map() });
    await rig.login();
    await rig.command('sim inject a jam', 'error');
    expect(rig.term.lines().at(-1)).toBe(
      'error: sim: "a" has a real drive; faults can only be injected into simulated axes (simulated: none)',
    );
    await rig.h.stop();
  });
});
