import type { PathIssue } from './issue-path.ts';
import { JOHNNY_FIVE_DRIVER_DEFAULTS } from './servo-config.ts';

type Obj = Readonly<Record<string, unknown>>;

const asObject = (value: unknown): Obj | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
const asList = (value: unknown): [number, unknown][] => (Array.isArray(value) ? [...value.entries()] : []);
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const asPair = (value: unknown): readonly [number, number] | undefined => {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [low, high] = value.map(asNumber);
  return low !== undefined && high !== undefined && low < high ? [low, high] : undefined;
};
/** The driver's value when given, else the built-in default; undefined when given but not usable (the schema reports it). */
const given = <T>(value: unknown, read: (v: unknown) => T | undefined, fallback: T): T | undefined =>
  value === undefined ? fallback : read(value);
const fmt = (n: number): string => String(Number(n.toFixed(3)));

/**
 * Cross-checks of the hobby-servo (johnny-five) axes, on the raw document like the others:
 * - the axis's travel maps inside the servo's rangeDeg (angle = 90 + degreesPerMm · (mm − centerMm),
 *   as drivers/johnny-five/servo-setup.ts maps it);
 * - initialDeg, where the first enable drives the servo, is a position within the travel;
 * - limits.maxSpeedMmPerS is no faster than the servo turns (slewMsPer60Deg);
 * - no two axes share a pin on one board, and no board port is also a Modbus bus's serial port.
 */
export function checkServos(axes: unknown, buses: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const busPaths = new Map<string, string>();
  for (const [, item] of asList(buses)) {
    const bus = asObject(item);
    if (typeof bus?.path === 'string' && typeof bus.id === 'string') busPaths.set(bus.path, bus.id);
  }
  const pinOwners = new Map<string, number>();
  for (const [index, item] of asList(axes)) {
    const axis = asObject(item);
    const driver = asObject(axis?.driver);
    if (driver?.type !== 'johnny-five') continue;
    const at = ['axes', index] as const;
    if (typeof driver.port === 'string') {
      const bus = busPaths.get(driver.port);
      if (bus !== undefined)
        issues.push({
          path: [...at, 'driver', 'port'],
          message: `${driver.port} is also the serial port of bus '${bus}'; a board needs a port of its own`,
        });
      if (typeof driver.pin === 'number') {
        const key = `${driver.port}#${driver.pin}`;
        const owner = pinOwners.get(key);
        if (owner === undefined) pinOwners.set(key, index);
        else
          issues.push({
            path: [...at, 'driver', 'pin'],
            message: `pin ${driver.pin} on ${driver.port} is already axes[${owner}]'s; each servo needs its own pin`,
          });
      }
    }
    checkMapping(driver, asObject(axis?.limits), at, issues);
  }
  return issues;
}

function checkMapping(driver: Obj, limits: Obj | undefined, at: readonly ['axes', number], issues: PathIssue[]): void {
  const d = JOHNNY_FIVE_DRIVER_DEFAULTS;
  const degreesPerMm = asNumber(driver.degreesPerMm);
  const centerMm = given(driver.centerMm, asNumber, d.centerMm);
  const range = given(driver.rangeDeg, asPair, d.rangeDeg);
  const minMm = asNumber(limits?.minMm);
  const maxMm = asNumber(limits?.maxMm);
  if (degreesPerMm === undefined || degreesPerMm === 0 || centerMm === undefined || range === undefined) return;
  const degreesAt = (mm: number) => 90 + degreesPerMm * (mm - centerMm);
  const mapping = `degreesPerMm ${fmt(degreesPerMm)}, centerMm ${fmt(centerMm)}`;

  if (minMm !== undefined && maxMm !== undefined && minMm < maxMm) {
    for (const [key, mm] of [
      ['minMm', minMm],
      ['maxMm', maxMm],
    ] as const) {
      const angle = degreesAt(mm);
      if (angle < range[0] || angle > range[1]) {
        issues.push({
          path: [...at, 'limits', key],
          message: `${key} ${mm} mm turns the horn to ${fmt(angle)}° (${mapping}), outside its rangeDeg [${range[0]}, ${range[1]}]; shorten the travel or change the mapping`,
        });
      }
    }
    const initialDeg = given(driver.initialDeg, asNumber, d.initialDeg);
    const initialMm = initialDeg === undefined ? undefined : centerMm + (initialDeg - 90) / degreesPerMm;
    if (initialDeg !== undefined && initialMm !== undefined && (initialMm < minMm || initialMm > maxMm)) {
      issues.push({
        path: driver.initialDeg === undefined ? [...at, 'driver'] : [...at, 'driver', 'initialDeg'],
        message: `${driver.initialDeg === undefined ? 'the default initialDeg' : 'initialDeg'} ${fmt(initialDeg)}° is the position ${fmt(initialMm)} mm, outside the travel [${minMm}, ${maxMm}] mm; the first enable drives the servo there: set driver.initialDeg within the travel`,
      });
    }
  }

  const slewMs = given(driver.slewMsPer60Deg, asNumber, d.slewMsPer60Deg);
  const maxSpeed = asNumber(limits?.maxSpeedMmPerS);
  if (slewMs === undefined || slewMs <= 0 || maxSpeed === undefined) return;
  const servoMmPerS = 60_000 / slewMs / Math.abs(degreesPerMm);
  if (maxSpeed > servoMmPerS) {
    issues.push({
      path: [...at, 'limits', 'maxSpeedMmPerS'],
      message: `${maxSpeed} mm/s is faster than the servo turns (60° per ${slewMs} ms = ${fmt(servoMmPerS)} mm/s at ${mapping}); lower maxSpeedMmPerS to at most ${fmt(servoMmPerS)}`,
    });
  }
}
