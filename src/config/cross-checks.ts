import { checkMqtt } from './mqtt-config.ts';
import { indexAxes, notAnAxis } from './axis-index.ts';
import { checkBuses } from './bus-checks.ts';
import { checkConsole } from './console-checks.ts';
import { BUILT_IN_AXIS_SETTINGS, SIMULATED_DRIVER_DEFAULTS } from './defaults.ts';
import { checkFaults, checkJobs } from './job-checks.ts';
import { checkMetrics } from './observability-config.ts';
import type { DocPath, PathIssue } from './issue-path.ts';
import { asList, asNumber, asObject, dig, type Obj } from './raw-values.ts';
import { checkServos } from './servo-checks.ts';
import { PRESETS } from './presets.ts';
import type { PresetName } from './types.ts';

/**
 * Checks that span fields: unique ids, references between axes, jobs and faults, moves within the
 * axis's travel, ordered pairs of settings, hobby servos' mappings and pins, the console section,
 * the metrics bind address. They read the raw document, not ConfigSchema's output, so that they run
 * even when some fields are invalid and every problem is reported in one go. A check whose inputs
 * have the wrong type is skipped: the schema reports those fields already.
 */
export function crossCheck(document: unknown): PathIssue[] {
  const root = asObject(document);
  if (!root) return [];
  const issues: PathIssue[] = [];
  const axes = indexAxes(root.axes, issues);
  const known = [...axes.keys()];

  for (const [id, { index, axis }] of axes) {
    const fallback = axis.fallback;
    if (typeof fallback !== 'string') continue;
    if (fallback === id)
      issues.push({
        path: ['axes', index, 'fallback'],
        message: `axis '${id}' cannot be its own fallback; name another axis or remove 'fallback'`,
      });
    else if (!axes.has(fallback)) issues.push({ path: ['axes', index, 'fallback'], message: `fallback ${notAnAxis(fallback, known)}` });
  }
  for (const [index, axis] of asList(root.axes)) {
    checkTravel(asObject(axis), ['axes', index], issues);
  }

  const defaults = asObject(root.defaults);
  if (defaults) checkOrderedSettings(defaults, ['defaults'], [], issues);
  for (const [index, axis] of asList(root.axes)) {
    const settings = asObject(axis);
    if (!settings) continue;
    const presetName = settings.preset ?? defaults?.preset;
    const preset = presetOf(presetName);
    const below: Layer[] = [
      ...(preset ? [{ values: preset, from: `preset ${String(presetName)}` }] : []),
      ...(defaults ? [{ values: defaults, from: 'defaults:' }] : []),
    ];
    checkOrderedSettings(settings, ['axes', index], below, issues);
  }

  checkJobs(root.jobs, axes, issues);
  checkFaults(asObject(root.simulation)?.faults, axes, issues);
  issues.push(...checkBuses(root.buses, root.axes));
  issues.push(...checkServos(root.axes, root.buses));
  checkConsole(root.console, issues);
  issues.push(...checkMetrics(root.metrics));
  issues.push(...checkMqtt(root.mqtt, root.line));
  return issues;
}

function checkTravel(axis: Obj | undefined, path: DocPath, issues: PathIssue[]): void {
  const limits = asObject(axis?.limits);
  const minMm = asNumber(limits?.minMm);
  const maxMm = asNumber(limits?.maxMm);
  if (minMm === undefined || maxMm === undefined) return;
  if (minMm >= maxMm) {
    issues.push({ path: [...path, 'limits', 'maxMm'], message: `maxMm ${maxMm} must be greater than minMm ${minMm}` });
    return;
  }
  const driver = asObject(axis?.driver);
  if (driver?.type !== 'simulated') return;
  const given = driver.initialPositionMm !== undefined;
  const initial = given ? asNumber(driver.initialPositionMm) : SIMULATED_DRIVER_DEFAULTS.initialPositionMm;
  if (initial === undefined || (initial >= minMm && initial <= maxMm)) return;
  issues.push({
    path: given ? [...path, 'driver', 'initialPositionMm'] : [...path, 'driver'],
    message: `${given ? 'initial position' : 'the default initial position'} ${initial} mm is outside the travel [${minMm}, ${maxMm}] mm; set driver.initialPositionMm within it`,
  });
}

/** Pairs of settings where `low` must not exceed `high`, after merging the layers. */
const ORDERED_SETTINGS = [
  { group: ['followingError'], low: 'minWindowMm', high: 'maxWindowMm' },
  { group: ['breaker'], low: 'cooldownMs', high: 'maxCooldownMs' },
  { group: ['breaker', 'failureRatio'], low: 'minimumCalls', high: 'windowSize' },
] as const;

/**
 * Checks each ordered pair where `settings` sets at least one of the two; the other comes from the
 * layers below (`defaults:`, then the built-in values).
 */
function checkOrderedSettings(settings: Obj, path: DocPath, below: readonly Layer[], issues: PathIssue[]): void {
  const layers: readonly Layer[] = [
    { values: settings, from: '' },
    ...below,
    { values: BUILT_IN_AXIS_SETTINGS as unknown as Obj, from: 'built in' },
  ];
  for (const { group, low, high } of ORDERED_SETTINGS) {
    const own = asObject(dig(settings, group));
    if (!own || (own[low] === undefined && own[high] === undefined)) continue;
    const lowSet = firstSet(layers, [...group, low]);
    const highSet = firstSet(layers, [...group, high]);
    if (lowSet?.value === undefined || highSet?.value === undefined || lowSet.value <= highSet.value) continue;
    // A value that came from a layer below says where, so the fix can go where the value is.
    const origin = (set: { from: string }) => (set.from ? ` (from ${set.from})` : '');
    issues.push({
      path: [...path, ...group, own[low] === undefined ? high : low],
      message: `${low} ${lowSet.value}${origin(lowSet)} must not exceed ${high} ${highSet.value}${origin(highSet)}; lower ${low} or raise ${high}`,
    });
  }
}

/** One layer of per-axis settings and where it comes from ('' for the setting's own place). */
interface Layer {
  readonly values: Obj;
  readonly from: string;
}

/** The preset a (not yet validated) `preset:` names, as a layer; undefined for no or an unknown name (the schema says so). */
function presetOf(name: unknown): Obj | undefined {
  return typeof name === 'string' && Object.hasOwn(PRESETS, name) ? (PRESETS[name as PresetName] as unknown as Obj) : undefined;
}

/** The value from the nearest layer that sets the key; undefined when that value is not a number. */
function firstSet(
  layers: readonly Layer[],
  keys: readonly string[],
): { readonly value: number | undefined; readonly from: string } | undefined {
  for (const layer of layers) {
    const value = dig(layer.values, keys);
    if (value !== undefined) return { value: asNumber(value), from: layer.from };
  }
  return undefined;
}
