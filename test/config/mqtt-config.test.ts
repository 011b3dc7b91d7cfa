import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { refusal } from './support/refusal.ts';

const AXES = 'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }]\n';

describe('the mqtt config section (Sparkplug B edge node)', () => {
  it('is off when absent or disabled', () => {
    expect(parseConfig(AXES, 'test.yaml').mqtt).toBeUndefined();
    expect(parseConfig(`${AXES}mqtt: { enabled: false, servers: [mqtt://127.0.0.1] }\n`, 'test.yaml').mqtt).toBeUndefined();
  });

  it('takes the line name as edge node id, a client id from both ids, and accepts no command but hold by default', () => {
    const config = parseConfig(`line: cell-7\n${AXES}mqtt: { servers: [mqtt://127.0.0.1:1883] }\n`, 'test.yaml').mqtt;
    expect(config).toMatchObject({
      servers: ['mqtt://127.0.0.1:1883'],
      groupId: 'axisguard',
      edgeNodeId: 'cell-7',
      clientId: 'axisguard-axisguard-cell-7',
      primaryHostId: undefined,
      commands: [],
      minIntervalMs: 200,
      deadbands: { positionMm: 0.05, followingErrorMm: 0.01 },
    });
  });

  it('refuses a plaintext broker beyond this machine unless allowPlaintext says it is intended; TLS is fine', () => {
    const lines = refusal(`${AXES}mqtt: { servers: ["mqtt://10.0.0.2:1883"] }\n`).format().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^test\.yaml:2:\d+: mqtt\.servers\[0\]: 'mqtt:\/\/10\.0\.0\.2:1883' .*without TLS.*mqtt\.allowPlaintext: true/),
    ]);
    expect(parseConfig(`${AXES}mqtt: { servers: ["mqtt://10.0.0.2"], allowPlaintext: true }\n`, 'test.yaml').mqtt?.servers).toHaveLength(1);
    expect(parseConfig(`${AXES}mqtt: { servers: ["mqtts://broker.plant:8883"] }\n`, 'test.yaml').mqtt?.servers).toHaveLength(1);
  });

  it('refuses ids that are not one topic level, an unknown command, a password in the file and a line name that cannot be an id', () => {
    const lines = refusal(`line: "a/b"\n${AXES}mqtt: { servers: [mqtt://127.0.0.1], groupId: "g+", commands: [jog], password: x }\n`)
      .format()
      .split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/mqtt\.groupId: a Sparkplug group id is one MQTT topic level: no '\/', '\+' or '#'/),
        expect.stringMatching(/mqtt\.commands\[0\]: .*release.*reset.*resume/),
        expect.stringMatching(/mqtt\.password: unknown key 'password'/),
      ]),
    );
    const line = refusal(`line: "a/b"\n${AXES}mqtt: { servers: [mqtt://127.0.0.1] }\n`).format();
    expect(line).toMatch(/mqtt\.edgeNodeId: the line's name 'a\/b' cannot be a Sparkplug edge node id.*set mqtt\.edgeNodeId/);
  });
});
