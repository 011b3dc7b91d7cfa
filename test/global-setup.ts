import { EXTERNAL_TOOLS, INSTALL_HINT, isInstalled } from './protocols/support/external-tools.ts';

/**
 * Once per test run: if socat, mbpoll or systemd-analyze is missing, say so loudly, with the install command. The
 * tests that need them are then skipped (and counted as skipped in the summary), except under
 * CI=true, where they fail.
 */
export default function announceMissingTools(): void {
  const missing = EXTERNAL_TOOLS.filter((tool) => !isInstalled(tool));
  if (missing.length === 0) return;
  const what = process.env.CI === 'true' ? 'FAIL (CI=true)' : 'are SKIPPED';
  process.stderr.write(`\n!!! ${missing.join(' and ')} not installed: the pty, Modbus interop and service-unit tests that need them ${what}. Install with: ${INSTALL_HINT}\n\n`);
}
