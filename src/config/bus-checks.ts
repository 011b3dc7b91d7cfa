import { didYouMean } from './did-you-mean.ts';
import type { PathIssue } from './issue-path.ts';
import { DRIVER_BUS_TYPES } from './bus-config.ts';

type Obj = Readonly<Record<string, unknown>>;

const asObject = (value: unknown): Obj | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
const asList = (value: unknown): [number, unknown][] => (Array.isArray(value) ? [...value.entries()] : []);

/**
 * Cross-checks between `buses` and the Modbus axes: bus ids are unique, every Modbus axis names a
 * bus that exists, and no two axes on one bus share a unit id (both would answer the same frames).
 * Reads the raw document, like the other cross-checks, so it runs even when fields are invalid.
 */
export function checkBuses(buses: unknown, axes: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const busIds = new Map<string, number>();
  for (const [index, item] of asList(buses)) {
    const id = asObject(item)?.id;
    if (typeof id !== 'string') continue;
    const first = busIds.get(id);
    if (first === undefined) busIds.set(id, index);
    else
      issues.push({ path: ['buses', index, 'id'], message: `duplicate bus id '${id}' (buses[${first}] has it); give each bus its own id` });
  }
  const busTypes = new Map(asList(buses).map(([, item]) => [asObject(item)?.id, asObject(item)?.type]));
  const unitOwners = new Map<string, number>();
  for (const [index, item] of asList(axes)) {
    const driver = asObject(asObject(item)?.driver);
    const wanted = typeof driver?.type === 'string' ? DRIVER_BUS_TYPES[driver.type] : undefined;
    if (!driver || !wanted || typeof driver.bus !== 'string') continue;
    const known = [...busIds.keys()];
    if (!busIds.has(driver.bus)) {
      issues.push({
        path: ['axes', index, 'driver', 'bus'],
        message: `'${driver.bus}' is not a bus id${didYouMean(driver.bus, known)} (known: ${known.join(', ') || 'none; add it under buses:'})`,
      });
      continue;
    }
    const busType = busTypes.get(driver.bus);
    if (typeof busType === 'string' && !wanted.includes(busType)) {
      issues.push({
        path: ['axes', index, 'driver', 'bus'],
        message: `bus '${driver.bus}' is of type ${busType}; driver type ${driver.type} needs a bus of type ${wanted.join(' or ')}`,
      });
      continue;
    }
    const idField = driver.type === 'modbus' ? 'unitId' : 'servoId';
    const address = driver[idField];
    if (typeof address !== 'number') continue;
    const key = `${driver.bus}/${address}`;
    const owner = unitOwners.get(key);
    if (owner === undefined) unitOwners.set(key, index);
    else
      issues.push({
        path: ['axes', index, 'driver', idField],
        message:
          idField === 'unitId'
            ? `unit id ${address} on bus '${driver.bus}' is already axes[${owner}]'s; each drive on a bus needs its own unit id`
            : `servo id ${address} on bus '${driver.bus}' is already axes[${owner}]'s; each servo on a line needs its own id`,
      });
  }
  return issues;
}
