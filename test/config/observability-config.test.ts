import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { refusal } from './support/refusal.ts';

const AXES = 'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }]\n';

describe('metrics and log config sections', () => {
  it('serves no metrics when the section is absent, and logs at info', () => {
    const config = parseConfig(AXES, 'test.yaml');
    expect(config.metrics).toBeUndefined();
    expect(config.log).toEqual({ level: 'info' });
  });

  it('binds to 127.0.0.1:9464 when the section is present but empty', () => {
    expect(parseConfig(`${AXES}metrics: {}\n`, 'test.yaml').metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('takes port 0 (a free port) and a level', () => {
    const config = parseConfig(`${AXES}metrics: { port: 0 }\nlog: { level: debug }\n`, 'test.yaml');
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.log.level).toBe('debug');
  });

  it('serves nothing when enabled is false', () => {
    expect(parseConfig(`${AXES}metrics: { enabled: false, port: 9000 }\n`, 'test.yaml').metrics).toBeUndefined();
  });

  it('accepts every loopback address without allowRemote', () => {
    for (const host of ['127.0.0.1', '127.0.0.53', 'localhost', '::1']) {
      expect(parseConfig(`${AXES}metrics: { host: "${host}" }\n`, 'test.yaml').metrics?.host).toBe(host);
    }
  });

  it('refuses 0.0.0.0 or a LAN address unless allowRemote says it is intended', () => {
    for (const host of ['0.0.0.0', '192.168.1.20', '::', 'controller.local']) {
      const lines = refusal(`${AXES}metrics: { host: "${host}" }\n`).format().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^test\\.yaml:2:\\d+: metrics\\.host: '${host.replace(/\./g, '\\.')}' lets other machines read /metrics .*set metrics\\.allowRemote: true`,
          ),
        ),
      ]);
    }
    expect(parseConfig(`${AXES}metrics: { host: 0.0.0.0, allowRemote: true }\n`, 'test.yaml').metrics).toEqual({
      host: '0.0.0.0',
      port: 9464,
    });
  });

  it('refuses an unknown level, a port out of range and a typo, in one go', () => {
    const lines = refusal(`${AXES}metrics: { port: 70000, hostt: x }\nlog: { level: verbose }\n`).format().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^test\.yaml:2:\d+: metrics\.port: /),
      expect.stringMatching(/^test\.yaml:2:\d+: metrics\.hostt: unknown key 'hostt' \(did you mean 'host'\?\)/),
      expect.stringMatching(/^test\.yaml:3:\d+: log\.level: /),
    ]);
  });
});
