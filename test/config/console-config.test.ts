import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DEFAULTS, loadConfigFile, parseConfig } from '../../src/config/index.ts';
import { refusal } from './support/refusal.ts';

const AXES = 'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }]\n';
const HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

describe('console config section', () => {
  it('runs without a console when the section is absent', () => {
    expect(parseConfig(AXES, 'test.yaml').console).toBeUndefined();
  });

  it('fills the defaults: socket path and owner-only mode, no login on the socket, 300 s idle logout', () => {
    const config = parseConfig(`${AXES}console: { socket: {} }\n`, 'test.yaml');
    expect(config.console).toEqual({
      socket: { path: CONSOLE_DEFAULTS.socketPath, mode: 0o600, requireLogin: false },
      serial: undefined,
      operators: [],
      idleLogoutS: 300,
      historySize: 500,
    });
  });

  it('reads a serial console with operators, and a group-shared socket that asks for a login', () => {
    const config = parseConfig(
      `${AXES}console:\n  socket: { path: /run/axisguard/console.sock, mode: "0660", requireLogin: true }\n  serial: { path: /dev/ttyUSB0, baudRate: 9600, terminal: dumb }\n  idleLogoutS: 120\n  operators:\n    - { name: ana, pinHash: "${HASH}" }\n`,
      'test.yaml',
    );
    expect(config.console).toMatchObject({
      socket: { path: '/run/axisguard/console.sock', mode: 0o660, requireLogin: true },
      serial: { path: '/dev/ttyUSB0', baudRate: 9600, terminal: 'dumb' },
      operators: [{ name: 'ana', pinHash: HASH }],
      idleLogoutS: 120,
    });
  });

  it('refuses a PIN in place of its hash, an unquoted mode, an odd baud rate, duplicate operators, and a typo, in one go', () => {
    const error = refusal(
      `${AXES}console:\n  socket: { mode: 0660 }\n  serial: { path: /dev/ttyS0, baudRate: 9601 }\n  idleLogout: 5\n  operators:\n    - { name: ana, pinHash: "1234" }\n    - { name: ana, pinHash: "${HASH}" }\n`,
    );
    const lines = error.format().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^test\.yaml:3:13: console\.socket\.mode: mode must be "0600" \(owner only\) or "0660" \(owner and group\), quoted$/,
      ),
      expect.stringMatching(
        /^test\.yaml:4:31: console\.serial\.baudRate: baudRate must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400$/,
      ),
      expect.stringMatching(/^test\.yaml:5:3: console\.idleLogout: unknown key 'idleLogout' \(did you mean 'idleLogoutS'\?\)/),
      expect.stringMatching(/^test\.yaml:7:20: console\.operators\[0\]\.pinHash: must be the line `axisguard hash-pin` prints/),
      expect.stringMatching(/^test\.yaml:8:9: console\.operators\[1\]\.name: duplicate operator 'ana' \(operators\[0\] has it\)/),
    ]);
  });

  it('refuses a console served nowhere, and a socket that asks for a login nobody can give', () => {
    expect(refusal(`${AXES}console: { operators: [] }\n`).format()).toContain('console: serve the console somewhere');
    expect(refusal(`${AXES}console: { socket: { requireLogin: true } }\n`).format()).toContain(
      'console.socket.requireLogin: requireLogin needs at least one entry in console.operators',
    );
  });

  it("resolves a relative socket path against the config file's folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'axisguard-config-'));
    try {
      const path = join(dir, 'line.yaml');
      await writeFile(path, `${AXES}console: { socket: { path: ./run/console.sock } }\n`);
      await expect(loadConfigFile(path)).resolves.toMatchObject({ console: { socket: { path: join(dir, 'run', 'console.sock') } } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
