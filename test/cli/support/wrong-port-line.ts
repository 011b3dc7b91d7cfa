import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LIMITS = 'limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }';

/**
 * A line whose one RTU bus names a serial port that does not exist (`missing`, in a fresh temp
 * folder): one Modbus axis ax1 with one job. `config` is its line.yaml.
 */
export function wrongPortLine(prefix: string): { config: string; missing: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const missing = join(dir, 'ttyUSB9');
  const config = join(dir, 'line.yaml');
  writeFileSync(
    config,
    [
      'buses:',
      `  - { id: rs485, type: rtu, path: ${missing}, baudRate: 115200, slackMs: 6 }`,
      'axes:',
      `  - { id: ax1, driver: { type: modbus, bus: rs485, unitId: 1 }, ${LIMITS} }`,
      'jobs:',
      '  - { id: job1, axis: ax1, moves: [{ positionMm: 50, speedMmPerS: 200 }] }',
    ].join('\n'),
  );
  return { config, missing };
}
