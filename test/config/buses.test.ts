import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { refusal } from './support/refusal.ts';

const LIMITS = '{ minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }';

describe('buses and Modbus axes', () => {
  it('accepts RTU and TCP buses with their defaults and axes on them', () => {
    const config = parseConfig(
      `
buses:
  - { id: line1, type: rtu, path: /dev/ttyUSB0 }
  - { id: gw, type: tcp, host: 10.0.0.5 }
axes:
  - { id: a, driver: { type: modbus, bus: line1, unitId: 1 }, limits: ${LIMITS} }
  - { id: b, driver: { type: modbus, bus: gw, unitId: 1, profile: cia402-generic }, limits: ${LIMITS} }
`,
      'buses.yaml',
    );
    expect(config.buses).toEqual([
      { id: 'line1', type: 'rtu', path: '/dev/ttyUSB0', baudRate: 115200, parity: 'even', stopBits: 1, slackMs: 20 },
      { id: 'gw', type: 'tcp', host: '10.0.0.5', port: 502, responseTimeoutMs: 50 },
    ]);
    expect(config.axes.map((a) => a.driver)).toEqual([
      { type: 'modbus', bus: 'line1', unitId: 1, profile: 'kpower-generic' },
      { type: 'modbus', bus: 'gw', unitId: 1, profile: 'cia402-generic' },
    ]);
  });

  it('refuses an unknown bus, a unit id used twice on one bus, a duplicate bus id and a bad unit id, all at once', () => {
    const error = refusal(`
buses:
  - { id: line1, type: rtu, path: /dev/ttyUSB0, baudRate: 9600 }
  - { id: line1, type: rtu, path: /dev/ttyUSB1 }
axes:
  - { id: a, driver: { type: modbus, bus: line1, unitId: 3 }, limits: ${LIMITS} }
  - { id: b, driver: { type: modbus, bus: line1, unitId: 3 }, limits: ${LIMITS} }
  - { id: c, driver: { type: modbus, bus: lin1, unitId: 300 }, limits: ${LIMITS} }
`);
    expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      "buses[1].id: duplicate bus id 'line1' (buses[0] has it); give each bus its own id",
      "axes[1].driver.unitId: unit id 3 on bus 'line1' is already axes[0]'s; each drive on a bus needs its own unit id",
      "axes[2].driver.bus: 'lin1' is not a bus id (did you mean 'line1'?) (known: line1)",
      'axes[2].driver.unitId: Too big: expected number to be <=247',
    ]);
  });
});
