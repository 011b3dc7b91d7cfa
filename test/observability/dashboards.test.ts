import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLineMetrics } from '../../src/observability/line-metrics.ts';
import { requireTools, runTool } from '../protocols/support/external-tools.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

/**
 * The Grafana dashboard (hardware/grafana/) and the Prometheus alert rules (hardware/prometheus/)
 * ship with the project: the rules pass promtool (check and their unit tests), the dashboard imports
 * with its documented datasource input, and every axisguard metric either names is one a running line
 * really exposes.
 */

const path = (p: string) => fileURLToPath(new URL(`../../hardware/${p}`, import.meta.url));
const RULES = path('prometheus/axisguard-rules.yml');
const RULE_TESTS = path('prometheus/axisguard-rules.test.yml');
const DASHBOARD = path('grafana/axisguard-line.json');
const promtool = requireTools('promtool');
/** Grafana's placeholder for the datasource picked at import (a literal `${...}`, not a template). */
const DATASOURCE_INPUT = '$' + '{DS_PROMETHEUS}';

interface Panel {
  readonly id: number;
  readonly title: string;
  readonly datasource: { readonly uid: string };
  readonly targets: readonly { readonly expr: string; readonly datasource: { readonly uid: string } }[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { query: { query: string } }[] };
};

const namesIn = (text: string): string[] => [...new Set(text.match(/\baxisguard_[a-z_]+/g) ?? [])];

/** The metric families a line exposes (a histogram's _bucket, _sum and _count belong to its family). */
async function exposedFamilies(): Promise<Set<string>> {
  const h = startLine(lineYaml({ axes: simAxis('a') }));
  const metrics = createLineMetrics({ supervisor: h.line.supervisor, buses: [], journal: undefined, version: '0.0.0-test' });
  const text = await metrics.registry.metrics();
  metrics.dispose();
  await h.stop();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

describe('dashboard and alert rules', () => {
  it('the dashboard takes its datasource as an import input, and every panel and query uses it', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(DATASOURCE_INPUT);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.datasource.uid, panel.title).toBe(DATASOURCE_INPUT);
    }
  });

  it('names only metrics a running line exposes, in the dashboard and in the rules', async () => {
    const exposed = await exposedFamilies();
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.query.query),
      readFileSync(RULES, 'utf8'),
    ].join('\n');
    const named = namesIn(queries);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((name) => !exposed.has(familyOf(name)))).toEqual([]);
  });

  describe.skipIf(promtool.skip)('with promtool', () => {
    beforeAll(() => promtool.assertPresent());

    it('the rules pass `promtool check rules` and their unit tests', async () => {
      const check = await runTool('promtool', ['check', 'rules', RULES]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const tests = await runTool('promtool', ['test', 'rules', RULE_TESTS], 30_000);
      expect(tests.code, tests.stdout + tests.stderr).toBe(0);
      expect(tests.stdout + tests.stderr).toMatch(/SUCCESS/);
    });
  });
});
