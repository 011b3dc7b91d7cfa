import { get, type IncomingMessage } from 'node:http';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { observeLine, type ObservedLine } from '../../src/observability/index.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';
import { httpGet, sampleValue } from './support/scrape.ts';
import { degradationYaml } from '../../bench/figures/support/degradation-line.ts';

const job = (id: string, axis: string, target: number) =>
  `  - { id: ${id}, axis: ${axis}, moves: [{ positionMm: ${target}, speedMmPerS: 300 }] }\n`;
const JAM_LINE = lineYaml({
  axes: simAxis('a') + simAxis('b'),
  jobs: job('ja', 'a', 500) + job('jb', 'b', 100),
  faults: '    - { axis: a, atMs: 300, fault: { kind: jam } }\n',
});

const opened: ObservedLine[] = [];
const harnesses: LineHarness[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

/** A line on the virtual clock, served as `metrics: { port: 0 }` in its config says (the default host). */
async function served(lineText: string): Promise<{ h: LineHarness; observed: ObservedLine }> {
  const yaml = `${lineText}\nmetrics: { port: 0 }\n`;
  const h = startLine(yaml);
  harnesses.push(h);
  const config = parseConfig(yaml, 'test.yaml');
  if (!config.metrics) throw new Error('the metrics section did not parse');
  const observed = await observeLine({
    config: config.metrics,
    periodMs: config.cycle.periodMs,
    supervisor: h.line.supervisor,
    buses: h.line.buses,
    journal: undefined,
    version: '0.0.0-test',
  });
  opened.push(observed);
  return { h, observed };
}

describe('line metrics over HTTP', () => {
  it('counts a jam trip for its axis and reason, and shows the breaker open and the axis in ErrorStop', async () => {
    const { h, observed } = await served(JAM_LINE);
    await h.runUntil(() => h.eventsOf('trip').length > 0);
    const scrape = await httpGet(observed.metricsUrl);
    expect(scrape.status).toBe(200);
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.body;
    expect(sampleValue(text, 'axisguard_breaker_trips_total', { axis: 'a', reason: 'following_error' })).toBe(1);
    expect(sampleValue(text, 'axisguard_breaker_trips_total', { axis: 'b', reason: 'following_error' })).toBe(0);
    expect(sampleValue(text, 'axisguard_breaker_state', { axis: 'a' })).toBe(2);
    expect(sampleValue(text, 'axisguard_breaker_state', { axis: 'b' })).toBe(0);
    expect(sampleValue(text, 'axisguard_axis_state', { axis: 'a', state: 'ErrorStop' })).toBe(1);
    expect(sampleValue(text, 'axisguard_axis_state', { axis: 'a', state: 'DiscreteMotion' })).toBe(0);
    expect(sampleValue(text, 'axisguard_following_error_mm', { axis: 'a' })).toBeGreaterThan(7.5);
    expect(sampleValue(text, 'axisguard_breaker_rejections_total', { axis: 'a' })).toBe(0);
    expect(sampleValue(text, 'axisguard_supervision_cycle_duration_seconds_count')).toBeGreaterThan(30);
    expect(sampleValue(text, 'axisguard_journal_write_errors_total')).toBe(0);
    expect(sampleValue(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(text, 'axisguard_axis_latched', { axis: 'a' })).toBe(1);
    expect(sampleValue(text, 'axisguard_axis_latched', { axis: 'b' })).toBe(0);
    expect(sampleValue(text, 'axisguard_axis_position_mm', { axis: 'b' })).toBeGreaterThan(0);
    expect(sampleValue(text, 'axisguard_hold_unconfirmed', { axis: 'b' })).toBe(0);
    expect(sampleValue(text, 'axisguard_build_info', { version: '0.0.0-test', node: process.version })).toBe(1);
  });

  it('shows a degraded signal with its value and baseline, the derate factor, and the retries by cause', async () => {
    const yaml = degradationYaml({
      axes: 1,
      seed: 3,
      fault: { kind: 'degrading_link', probabilityPerMin: 0.05 },
      faultAtMs: 300_000,
      durationMs: 1_800_000,
      defaults: '  downgrade: { plan: derate, derateFactor: 0.5 }\n',
    });
    const { h, observed } = await served(yaml);
    await h.runUntil(() => h.eventsOf('degraded').length > 0, 1_800_000);
    const text = (await httpGet(observed.metricsUrl)).body;
    const axis = { axis: 'a0', signal: 'corrupt_rate' };
    expect(sampleValue(text, 'axisguard_axis_degraded', axis)).toBe(1);
    expect(sampleValue(text, 'axisguard_axis_degraded', { axis: 'a0', signal: 'read_time_ms' })).toBe(0);
    expect(sampleValue(text, 'axisguard_axis_signal', axis)).toBeGreaterThan(0.01);
    expect(sampleValue(text, 'axisguard_axis_signal_baseline', axis)).toBe(0);
    expect(sampleValue(text, 'axisguard_axis_speed_factor', { axis: 'a0' })).toBe(0.5);
    expect(sampleValue(text, 'axisguard_exchange_retries_total', { axis: 'a0', cause: 'garbled' })).toBeGreaterThan(0);
    expect(sampleValue(text, 'axisguard_exchange_retries_total', { axis: 'a0', cause: 'crc' })).toBe(0);
  });

  it('shows the breaker closed again after its probes while the following-error trip stays latched', async () => {
    const { h, observed } = await served(JAM_LINE);
    await h.runUntil(() => h.eventsOf('breaker').some((e) => e.axis === 'a' && e.to === 'closed'));
    const text = (await httpGet(observed.metricsUrl)).body;
    expect(sampleValue(text, 'axisguard_breaker_state', { axis: 'a' })).toBe(0);
    expect(sampleValue(text, 'axisguard_breaker_trips_total', { axis: 'a', reason: 'following_error' })).toBe(1);
    expect(sampleValue(text, 'axisguard_axis_state', { axis: 'a', state: 'ErrorStop' })).toBe(1);
  });

  it('keeps each line in a registry of its own, never the global one', async () => {
    const first = await served(JAM_LINE);
    const second = await served(lineYaml({ axes: simAxis('x') }));
    await first.h.runUntil(() => first.h.eventsOf('trip').length > 0);
    const one = (await httpGet(first.observed.metricsUrl)).body;
    const two = (await httpGet(second.observed.metricsUrl)).body;
    expect(sampleValue(one, 'axisguard_breaker_state', { axis: 'a' })).toBe(2);
    expect(sampleValue(two, 'axisguard_breaker_state', { axis: 'a' })).toBeUndefined();
    expect(sampleValue(two, 'axisguard_breaker_state', { axis: 'x' })).toBe(0);
    expect(await globalRegistry.metrics()).not.toContain('axisguard_');
  });

  it('streams the live page frames over Server-Sent Events, at most five pages at once', async () => {
    const { observed } = await served(lineYaml({ axes: `${simAxis('a')}\n${simAxis('b')}` }));
    const url = `http://127.0.0.1:${observed.port}/events`;
    const streams: IncomingMessage[] = [];
    const open = () =>
      new Promise<{ status: number; type: string; first: string }>((resolve) =>
        get(url, (response) => {
          streams.push(response);
          response.setEncoding('utf8');
          let text = '';
          response.on('data', (chunk: string) => {
            text += chunk;
            if (response.statusCode !== 200 || text.includes('data: '))
              resolve({ status: response.statusCode!, type: String(response.headers['content-type']), first: text });
          });
        }),
      );
    const first = await open();
    expect(first.type).toBe('text/event-stream');
    const frame = JSON.parse(first.first.split('data: ')[1]!.split('\n')[0]!) as { axes: { id: string }[] };
    expect(frame.axes.map((a) => a.id)).toEqual(['a', 'b']);
    for (let i = 0; i < 4; i++) expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(503);
    for (const stream of streams) stream.destroy();
  });

  it('binds to 127.0.0.1 by default, answers 404 elsewhere and 405 to other methods', async () => {
    const { observed } = await served(lineYaml({ axes: simAxis('a') }));
    expect(observed.host).toBe('127.0.0.1');
    expect(observed.port).toBeGreaterThan(0);
    expect(observed.metricsUrl).toBe(`http://127.0.0.1:${observed.port}/metrics`);
    expect((await httpGet(`http://127.0.0.1:${observed.port}/nope`)).status).toBe(404);
    const page = await httpGet(`http://127.0.0.1:${observed.port}/`);
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect((await httpGet(observed.metricsUrl, 'POST')).status).toBe(405);
  });
});
