import { mkdtempSync, rmSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';
import { PAIR_AXES, PAIR_DURATION_S, STEADY, metricsUrl, pairLineYaml, runLinePair } from './support/line-pair.ts';

const PAGES = 5;

/** Attaches `n` clients to the line's /events (what a browser's EventSource does), counting the bytes they get. */
function attachPages(url: string, n: number): { streams: IncomingMessage[]; bytes: () => number } {
  const streams: IncomingMessage[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++)
    get(url, (response) => {
      streams.push(response);
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    });
  return { streams, bytes: () => bytes };
}

export const livePage: Figure = {
  key: 'live_page',
  glossary: {
    'cycle.pages5': `supervision cycle with ${PAGES} live pages attached: cycles, mean ms, the histogram bucket (upper bound, ms) holding p99`,
    'cycle.pages0': 'the same line with no page, run at the same time',
    cpuMsPerS: 'process CPU ms per second of each line in the steady window',
    stalls: 'stall events of each line over the run',
    bytesPerSPerPage: 'Server-Sent Events bytes per second one page receives',
  },
  title: `Live page: the supervisor's cost with ${PAGES} pages attached against none, side by side`,
  timed: true,
  method:
    `Two \`axisguard run\`s of the same generated ${PAIR_AXES}-axis line of simulated drives (every axis shuttling, a fault storm at 8 s) at the same time for ${PAIR_DURATION_S} s; ` +
    `${PAGES} HTTP clients read the first one's /events from its start (what a browser's EventSource does: the supervisor's work is the same, the browser's rendering is not on the controller), the second has none. ` +
    `Cycle histograms from each line's /metrics near the end; process CPU from /proc/PID/stat from ${STEADY.fromS} s to ${STEADY.toS} s.`,
  async measure(progress) {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-bench-page-'));
    let pages: ReturnType<typeof attachPages> | undefined;
    try {
      progress(`an ${PAIR_AXES}-axis line with ${PAGES} pages and with none, side by side, ${PAIR_DURATION_S} s`);
      const pair = await runLinePair(dir, { with: pairLineYaml('line-pages'), without: pairLineYaml('line-plain') }, (run) => {
        pages = attachPages(metricsUrl(run).replace(/\/metrics$/, '/events'), PAGES);
      });
      const bytesPerSPerPage = round((pages?.bytes() ?? 0) / PAIR_DURATION_S / PAGES);
      const result = {
        cycle: { pages5: pair.with.cycle, pages0: pair.without.cycle },
        cpuMsPerS: { pages5: pair.with.cpuMsPerS, pages0: pair.without.cpuMsPerS },
        stalls: { pages5: pair.with.stalls, pages0: pair.without.stalls },
        bytesPerSPerPage,
      };
      const rows: Row[] = [
        {
          item: `supervision cycle with ${PAGES} pages / none (same run)`,
          value: `${pair.with.cycle.meanMs} / ${pair.without.cycle.meanMs} ms`,
          note: `mean; p99 bucket <= ${pair.with.cycle.p99BucketMs} / ${pair.without.cycle.p99BucketMs} ms; stalls ${pair.with.stalls} / ${pair.without.stalls}`,
        },
        {
          item: `process CPU with ${PAGES} pages / none`,
          value: `${pair.with.cpuMsPerS} / ${pair.without.cpuMsPerS} ms/s`,
          note: `${bytesPerSPerPage} bytes/s to each page`,
        },
      ];
      return { result, rows };
    } finally {
      for (const stream of pages?.streams ?? []) stream.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
