import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { runSupervisor, type SupervisorProcess } from '../support/supervisor-process.ts';
import { tempDirEach } from '../support/temp-dir.ts';

/**
 * Issue #14: the live page in a real browser (Debian's chromium, headless, driven by puppeteer-core;
 * no browser download) against a live `axisguard run`: every axis shown, a jam turns its row to
 * tripped with the reason, a deaf drive's position is marked stale, and the page reconnects by
 * itself after the supervisor restarts. A screenshot goes to test-artifacts/.
 */

const chromium = requireTools('chromium');
const clock = new RealClock();
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function lineConfig(dir: string, port: number): string {
  const axis = (id: string) =>
    `  - { id: ${id}, driver: { type: simulated }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 2000 } }`;
  const shuttle = Array.from({ length: 12 }, (_, i) => `{ positionMm: ${i % 2 ? 30 : 400}, speedMmPerS: 200 }`).join(', ');
  const path = join(dir, 'line.yaml');
  writeFileSync(
    path,
    [
      'line: browser-line',
      'cycle: { periodMs: 10, warmupMs: 200 }',
      `metrics: { port: ${port} }`,
      'defaults: { followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 } }',
      'axes:',
      axis('ax1'),
      axis('ax2'),
      axis('ax3'),
      'jobs:',
      ...['ax1', 'ax2', 'ax3'].map((a) => `  - { id: job-${a}, axis: ${a}, moves: [${shuttle}] }`),
      'simulation:',
      '  faults:',
      '    - { axis: ax2, atMs: 2500, fault: { kind: jam } }',
      '    - { axis: ax3, atMs: 2500, fault: { kind: silent } }',
    ].join('\n'),
  );
  return path;
}

const rowText = (page: Page, axis: string) => page.$eval(`tr[data-axis="${axis}"]`, (row) => row.textContent ?? '').catch(() => '');

async function until(what: string, done: () => Promise<boolean>, withinMs = 15_000): Promise<void> {
  for (const startMs = clock.now(); !(await done()); await clock.sleep(50))
    if (clock.now() - startMs > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
}

describe.skipIf(chromium.skip)('the live page in headless Chromium', { timeout: 90_000 }, () => {
  beforeAll(() => chromium.assertPresent());
  const dir = tempDirEach('axisguard-page-');
  let browser: Browser | undefined;
  const runs: SupervisorProcess[] = [];
  afterEach(async () => {
    await browser?.close();
    for (const run of runs.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });

  it('shows every axis, turns a jammed one to tripped with its reason, marks a deaf one stale, and reconnects after a restart', async () => {
    const port = await freePort();
    const config = lineConfig(dir(), port);
    const first = runSupervisor(config, ['--until', 'never', '--duration', '30']);
    runs.push(first);
    await until('metrics listening', async () => first.events.some((e) => e.type === 'metrics_listening'));

    browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 700 });
    await page.goto(`http://127.0.0.1:${port}/`);
    await until('three rows', async () => (await page.$$('tr[data-axis]')).length === 3);
    expect(await page.$eval('#conn', (e) => e.textContent)).toBe('live');

    await until('the jam tripped', async () => first.events.some((e) => e.type === 'trip' && e.axis === 'ax2'));
    const tripAtMs = clock.now();
    await until('ax2 shown tripped', async () => (await rowText(page, 'ax2')).includes('TRIPPED: latched: following_error'));
    const shownAfterMs = clock.now() - tripAtMs;
    expect(await page.$eval('tr[data-axis="ax2"]', (row) => row.className)).toBe('tripped');
    // Within about a second (the page is fed twice a second); generous for a busy CI machine.
    expect(shownAfterMs).toBeLessThan(3000);
    await until('ax3 stale', async () => /STALE \d+\.\d s/.test(await rowText(page, 'ax3')));
    expect(await rowText(page, 'ax1')).not.toContain('TRIPPED');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'live-page.png') });

    first.child.kill('SIGTERM');
    expect(await first.exit).not.toBeNull();
    await until('the page says it lost the line', async () =>
      (await page.$eval('#conn', (e) => e.textContent ?? '')).startsWith('disconnected'),
    );
    const second = runSupervisor(config, ['--until', 'never', '--duration', '30']);
    runs.push(second);
    await until('live again', async () => (await page.$eval('#conn', (e) => e.textContent)) === 'live', 20_000);
    await until(
      'the new run shown',
      async () => (await rowText(page, 'ax1')).length > 0 && !(await rowText(page, 'ax2')).includes('TRIPPED'),
    );
  });
});
