import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleHost } from '../../src/console/console-host.ts';
import { verifyPin } from '../../src/console/pin-hash.ts';
import { PIN_HASH_PATTERN, parseConfig, type Config, type ConsoleConfig } from '../../src/config/index.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';
import { serialStreamOpener } from '../../src/compose/console-serial.ts';
import { tempDirEach } from '../support/temp-dir.ts';
import { runAxisguardWithInput } from '../support/spawn-run.ts';

const axisguard = runAxisguardWithInput;

describe('axisguard console and hash-pin', () => {
  const dir = tempDirEach('axisguard-console-cli-');

  it('exits 1 when nobody serves the socket, naming the path and how to configure one', async () => {
    const path = join(dir(), 'none.sock');
    const run = await axisguard(['console', '--socket', path], 'status\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no console socket at ${path}`);
    expect(run.stderr).toContain('with a console section');
    expect(run.stderr).toContain('--socket PATH');
  });

  it('sends piped commands, prints only the answers, and exits 3 when one was refused', async () => {
    const path = join(dir(), 'console.sock');
    const yaml = `${lineYaml({ axes: simAxis('a') })}\nconsole:\n  socket: { path: ${path} }\n`;
    const h = startLine(yaml);
    await h.runUntil(() => h.line.supervisor.snapshot()[0]!.state === 'Standstill');
    const config = parseConfig(yaml, 'test.yaml') as Config & { console: ConsoleConfig };
    const host = new ConsoleHost({
      config,
      supervisor: h.line.supervisor,
      simulators: h.line.simulators,
      clock: h.clock,
      startMs: 0,
      version: 'test',
      openSerial: serialStreamOpener(h.clock),
    });
    await host.start();
    const ok = await axisguard(['console', '--socket', path], 'version\njobs\n');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toBe(`axisguard test on Node.js ${process.version}, line 'test-line'\nno jobs configured\n`);
    const refused = await axisguard(['console', '--socket', path], 'status\nfly a\n');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/^a +still +ok /m);
    expect(refused.stdout).toMatch(/error: unknown command "fly"; type help for the list\n$/);
    await host.stop();
    await h.stop();
  });

  it('hash-pin prints a salted scrypt hash line that verifies the PIN, and refuses a short PIN', async () => {
    const run = await axisguard(['hash-pin', '--name', 'ana'], '2468\n');
    expect(run.code).toBe(0);
    const hash = /^- \{ name: ana, pinHash: "(.*)" \}\n$/.exec(run.stdout)?.[1];
    expect(hash).toMatch(PIN_HASH_PATTERN);
    await expect(verifyPin('2468', hash)).resolves.toBe(true);
    await expect(verifyPin('2469', hash)).resolves.toBe(false);
    const again = await axisguard(['hash-pin'], '2468\n');
    expect(again.stdout).toMatch(/^pinHash: "scrypt\$/);
    expect(again.stdout).not.toContain(hash);
    const short = await axisguard(['hash-pin'], '12\n');
    expect(short).toMatchObject({ code: 1, stdout: '', stderr: 'axisguard hash-pin: not a usable PIN: a PIN has 4 to 64 characters\n' });
  });
});
