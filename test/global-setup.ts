import { EXTERNAL_TOOLS, INSTALL_HINT, isInstalled } from './protocols/support/external-tools.ts';
import { mosquittoBinary } from './support/mosquitto.ts';
import { cpuControllerWritable } from './support/realtime-line.ts';

/**
 * Once per test run: if socat, mbpoll, systemd-analyze or mosquitto is missing, or no CPU-quota cgroup can be
 * made, say so loudly, with how to provide it. The tests that need them are then skipped (and counted
 * as skipped in the summary), except under CI=true, where they fail.
 */
export default function announceMissingTools(): void {
  const what = process.env.CI === 'true' ? 'FAIL (CI=true)' : 'are SKIPPED';
  const cpu = cpuControllerWritable();
  if (!cpu.writable) process.stderr.write(`\n!!! The quarter-core hold-time tests (test/realtime) ${what}: ${cpu.reason}\n\n`);
  if (mosquittoBinary() === undefined)
    process.stderr.write(
      `\n!!! mosquitto not installed: the Sparkplug B tests against a real broker (test/sparkplug) ${what}. Install with: sudo apt-get install -y mosquitto\n\n`,
    );
  const missing = EXTERNAL_TOOLS.filter((tool) => !isInstalled(tool));
  if (missing.length === 0) return;
  process.stderr.write(
    `\n!!! ${missing.join(' and ')} not installed: the pty, Modbus interop and service-unit tests that need them ${what}. Install with: ${INSTALL_HINT}\n\n`,
  );
}
