import { checkBuses } from './bus-checks.ts';
import { BUILT_IN_AXIS_SETTINGS, SIMULATED_DRIVER_DEFAULTS } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkMetrics } from './observability-config.ts';
import type { DocPath, PathIssue } from './issue-path.ts';
import { checkServos } from './servo-checks.ts';
import { DRIVER_TYPES } from './schema.ts';

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
    if (settings) checkOrderedSettings(settings, ['axes', index], defaults ? [defaults] : [], issues);
  }

  checkJobs(root.jobs, axes, issues);
  checkFaults(asObject(root.simulation)?.faults, axes, issues);
  issues.push(...checkBuses(root.buses, root.axes));
  issues.push(...checkServos(root.axes, root.buses));
  checkConsole(root.console, issues);
  issues.push(...checkMetrics(root.metrics));
  return issues;
}

type Obj = Readonly<Record<string, unknown>>;
type AxisIndex = Map<string, { readonly index: number; readonly axis: Obj }>;

/** The axes by id (first one wins); reports duplicate ids. */
function indexAxes(value: unknown, issues: PathIssue[]): AxisIndex {
  const axes: AxisIndex = new Map();
  for (const [index, item] of asList(value)) {
    const axis = asObject(item);
    if (!axis || typeof axis.id !== 'string') continue;
    const first = axes.get(axis.id);
    if (first)
      issues.push({
        path: ['axes', index, 'id'],
        message: `duplicate axis id '${axis.id}' (axes[${first.index}] has it); give each axis its own id`,
      });
    else axes.set(axis.id, { index, axis });
  }
  return axes;
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
function checkOrderedSettings(settings: Obj, path: DocPath, below: readonly Obj[], issues: PathIssue[]): void {
  const layers: readonly Obj[] = [settings, ...below, BUILT_IN_AXIS_SETTINGS];
  for (const { group, low, high } of ORDERED_SETTINGS) {
    const own = asObject(dig(settings, group));
    if (!own || (own[low] === undefined && own[high] === undefined)) continue;
    const lowValue = firstSet(layers, [...group, low]);
    const highValue = firstSet(layers, [...group, high]);
    if (lowValue === undefined || highValue === undefined || lowValue <= highValue) continue;
    issues.push({
      path: [...path, ...group, own[low] === undefined ? high : low],
      message: `${low} ${lowValue} must not exceed ${high} ${highValue}; lower ${low} or raise ${high}`,
    });
  }
}

function checkJobs(value: unknown, axes: AxisIndex, issues: PathIssue[]): void {
  const seen = new Map<string, number>();
  for (const [index, item] of asList(value)) {
    const job = asObject(item);
    if (!job) continue;
    if (typeof job.id === 'string') {
      const first = seen.get(job.id);
      if (first !== undefined)
        issues.push({
          path: ['jobs', index, 'id'],
          message: `duplicate job id '${job.id}' (jobs[${first}] has it); give each job its own id`,
        });
      else seen.set(job.id, index);
    }
    if (typeof job.axis !== 'string') continue;
    const owner = axes.get(job.axis);
    if (!owner) {
      issues.push({ path: ['jobs', index, 'axis'], message: `axis ${notAnAxis(job.axis, [...axes.keys()])}` });
      continue;
    }
    checkMoves(job.moves, ['jobs', index, 'moves'], job.axis, owner.axis, issues);
  }
}

function checkMoves(value: unknown, path: DocPath, axisId: string, axis: Obj, issues: PathIssue[]): void {
  const travel = travelOf(axis);
  const maxSpeed = asNumber(asObject(axis.limits)?.maxSpeedMmPerS);
  for (const [index, item] of asList(value)) {
    const move = asObject(item);
    const position = asNumber(move?.positionMm);
    const speed = asNumber(move?.speedMmPerS);
    if (travel && position !== undefined && (position < travel[0] || position > travel[1])) {
      issues.push({
        path: [...path, index, 'positionMm'],
        message: `position ${position} mm is outside the travel [${travel[0]}, ${travel[1]}] mm of axis '${axisId}'`,
      });
    }
    if (maxSpeed !== undefined && speed !== undefined && speed > maxSpeed) {
      issues.push({
        path: [...path, index, 'speedMmPerS'],
        message: `speed ${speed} mm/s exceeds the max speed ${maxSpeed} mm/s of axis '${axisId}'`,
      });
    }
  }
}

function checkFaults(value: unknown, axes: AxisIndex, issues: PathIssue[]): void {
  for (const [index, item] of asList(value)) {
    const entry = asObject(item);
    if (!entry) continue;
    if (typeof entry.axis === 'string') {
      const target = axes.get(entry.axis);
      const driverType = asObject(target?.axis.driver)?.type;
      if (!target)
        issues.push({ path: ['simulation', 'faults', index, 'axis'], message: `axis ${notAnAxis(entry.axis, [...axes.keys()])}` });
      // An unknown driver type is the schema's to report.
      else if (typeof driverType === 'string' && driverType !== 'simulated' && DRIVER_TYPES.includes(driverType)) {
        issues.push({
          path: ['simulation', 'faults', index, 'axis'],
          message: `axis '${entry.axis}' uses driver '${driverType}'; faults can only be injected into simulated axes`,
        });
      }
    }
    const atMs = asNumber(entry.atMs);
    const clearAtMs = asNumber(entry.clearAtMs);
    if (atMs !== undefined && clearAtMs !== undefined && clearAtMs <= atMs) {
      issues.push({ path: ['simulation', 'faults', index, 'clearAtMs'], message: `clearAtMs ${clearAtMs} must be after atMs ${atMs}` });
    }
  }
}

/** The console is served somewhere, operator names are unique, a socket that asks for a login has operators. */
function checkConsole(value: unknown, issues: PathIssue[]): void {
  const section = asObject(value);
  if (!section) return;
  if (section.socket === undefined && section.serial === undefined) {
    issues.push({
      path: ['console'],
      message: 'serve the console somewhere: add `socket: {}` (a local UNIX socket), `serial: { path: ... }`, or both',
    });
  }
  const seen = new Map<string, number>();
  const operators = asList(section.operators);
  for (const [index, item] of operators) {
    const name = asObject(item)?.name;
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first !== undefined)
      issues.push({
        path: ['console', 'operators', index, 'name'],
        message: `duplicate operator '${name}' (operators[${first}] has it); give each person their own name`,
      });
    else seen.set(name, index);
  }
  if (asObject(section.socket)?.requireLogin === true && operators.length === 0) {
    issues.push({
      path: ['console', 'socket', 'requireLogin'],
      message: 'requireLogin needs at least one entry in console.operators (make one with `axisguard hash-pin`)',
    });
  }
}

function notAnAxis(id: string, known: readonly string[]): string {
  return `'${id}' is not an axis id${didYouMean(id, known)} (known: ${known.join(', ') || 'none'})`;
}

/** [minMm, maxMm] of an axis when both are numbers and in order (else positions are not checked). */
function travelOf(axis: Obj | undefined): readonly [number, number] | undefined {
  const limits = asObject(axis?.limits);
  const minMm = asNumber(limits?.minMm);
  const maxMm = asNumber(limits?.maxMm);
  return minMm === undefined || maxMm === undefined || minMm >= maxMm ? undefined : [minMm, maxMm];
}

/** The value from the nearest layer that sets the key; undefined when that value is not a number. */
function firstSet(layers: readonly Obj[], keys: readonly string[]): number | undefined {
  for (const layer of layers) {
    const value = dig(layer, keys);
    if (value !== undefined) return asNumber(value);
  }
  return undefined;
}

function dig(value: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((node, key) => asObject(node)?.[key], value);
}

function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

function asList(value: unknown): [number, unknown][] {
  return Array.isArray(value) ? [...value.entries()] : [];
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
