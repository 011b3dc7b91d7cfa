import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { READY_BOUND_MS } from '../../src/service/systemd-notifier.ts';
import { STOP_BOUND_MS } from '../../src/service/run-service.ts';
import { requireTools, runTool } from '../protocols/support/external-tools.ts';

const HARDWARE = join(import.meta.dirname, '../../hardware');
const UNIT_PATH = join(HARDWARE, 'systemd/axisguard.service');
const unitText = readFileSync(UNIT_PATH, 'utf8');

/** Every value of every `Key=value` line (comments skipped), by key. */
function directives(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    result.set(match[1]!, [...(result.get(match[1]!) ?? []), match[2]!]);
  }
  return result;
}
const unit = directives(unitText);
const one = (key: string) => unit.get(key)?.at(-1);
const seconds = (value: string | undefined) => Number(/^(\d+)s?$/.exec(value ?? '')?.[1] ?? Number.NaN);

// systemd-analyze comes with the systemd package; requireTools' install hint names the test tools only.
const tools = requireTools('systemd-analyze');

describe.skipIf(tools.skip)('hardware/systemd/axisguard.service under systemd-analyze verify', () => {
  beforeAll(() => tools.assertPresent());

  it('verifies without a single warning', async () => {
    // verify insists that ExecStart's program exists; a controller has /usr/bin/node, a test machine
    // may keep node elsewhere. So a copy is verified whose ExecStart runs the node running this test.
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-unit-'));
    const copy = join(dir, 'axisguard.service');
    writeFileSync(copy, unitText.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
    const run = await runTool('systemd-analyze', ['verify', '--man=no', copy], 30_000);
    expect(run.stderr + run.stdout).toBe('');
    expect(run.code).toBe(0);
  });

  it('catches a broken unit (so the check above means something)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-unit-'));
    const copy = join(dir, 'axisguard.service');
    writeFileSync(copy, unitText.replace(/^ExecStart=\/usr\/bin\/node /m, 'ExecStart=/nonexistent/node '));
    const run = await runTool('systemd-analyze', ['verify', '--man=no', copy], 30_000);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/nonexistent/node');
  });
});

describe('hardware/systemd/axisguard.service', () => {
  it('runs the line config from /etc/axisguard with the journal under /var/lib/axisguard, as an unprivileged user in dialout', () => {
    expect(one('ExecStart')).toMatch(
      /^\/usr\/bin\/node \/opt\/axisguard\/current\/bin\/axisguard\.js run \/etc\/axisguard\/line\.yaml .*--journal \/var\/lib\/axisguard\/journal\.jsonl/,
    );
    expect([one('User'), one('Group'), one('SupplementaryGroups')]).toEqual(['axisguard', 'axisguard', 'dialout']);
    expect([one('StateDirectory'), one('RuntimeDirectory'), one('ConfigurationDirectory')]).toEqual([
      'axisguard',
      'axisguard',
      'axisguard',
    ]);
  });

  it('matches the process: notify from a helper, watchdog above two pets, start and stop timeouts above our own bounds', () => {
    expect([one('Type'), one('NotifyAccess'), one('Restart'), one('KillSignal')]).toEqual(['notify', 'all', 'on-failure', 'SIGTERM']);
    expect(seconds(one('WatchdogSec'))).toBeGreaterThanOrEqual(4);
    expect(seconds(one('TimeoutStartSec')) * 1000).toBeGreaterThan(READY_BOUND_MS + 10_000);
    expect(seconds(one('TimeoutStopSec')) * 1000).toBeGreaterThan(STOP_BOUND_MS + 2000);
  });

  it('lets the serial ports through its device policy, with their drivers loaded at boot', () => {
    expect(one('DevicePolicy')).toBe('closed');
    expect(unit.has('PrivateDevices')).toBe(false);
    expect(unit.get('DeviceAllow')).toEqual(expect.arrayContaining(['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyAMA rw', 'char-ttyS rw']));
    // The groups are looked up in /proc/devices at start: ttyUSB and ttyACM exist only once their drivers are loaded.
    const modules = readFileSync(join(HARDWARE, 'systemd/axisguard-modules.conf'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(modules).toEqual(expect.arrayContaining(['usbserial', 'ftdi_sio', 'ch341', 'cdc_acm']));
  });

  it('keeps the file system read-only but for its state directory', () => {
    expect([one('ProtectSystem'), one('ReadWritePaths'), one('NoNewPrivileges'), one('PrivateTmp')]).toEqual([
      'strict',
      '/var/lib/axisguard',
      'yes',
      'yes',
    ]);
    // V8's JIT needs writable executable memory.
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
  });
});

describe('hardware/udev/99-axisguard-rs485.rules', () => {
  const rules = () =>
    readFileSync(join(HARDWARE, 'udev/99-axisguard-rs485.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));

  it('gives every adapter a stable rs485-* link in group dialout, mode 0660', () => {
    const links = rules().filter((rule) => rule.startsWith('SUBSYSTEM=="tty"'));
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const rule of links) {
      expect(rule).toMatch(/^SUBSYSTEM=="tty", ATTRS\{idVendor\}=="[0-9a-f]{4}", ATTRS\{idProduct\}=="[0-9a-f]{4}", /);
      expect(rule).toMatch(/(ATTRS\{serial\}|KERNELS)=="[^"]+"/);
      expect(rule).toMatch(/SYMLINK\+="rs485-line\d+", GROUP="dialout", MODE="0660"$/);
    }
  });

  it('sets the FTDI latency timer to 1 ms, so answers are not held back 16 ms by the adapter', () => {
    expect(rules()).toContain('ACTION=="add", SUBSYSTEM=="usb-serial", DRIVERS=="ftdi_sio", ATTR{latency_timer}="1"');
  });
});
