import { didYouMean } from './did-you-mean.ts';
import type { PathIssue } from './issue-path.ts';

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
  const unitOwners = new Map<string, number>();
  for (const [index, item] of asList(axes)) {
    const driver = asObject(asObject(item)?.driver);
    if (driver?.type !== 'modbus' || typeof driver.bus !== 'string') continue;
    const known = [...busIds.keys()];
    if (!busIds.has(driver.bus)) {
      issues.push({
        path: ['axes', index, 'driver', 'bus'],
        message: `'${driver.bus}' is not a bus id${didYouMean(driver.bus, known)} (known: ${known.join(', ') || 'none; add it under buses:'})`,
      });
      continue;
    }
    if (typeof driver.unitId !== 'number') continue;
    const key = `${driver.bus}/${driver.unitId}`;
    const owner = unitOwners.get(key);
    if (owner === undefined) unitOwners.set(key, index);
    else
      issues.push({
        path: ['axes', index, 'driver', 'unitId'],
        message: `unit id ${driver.unitId} on bus '${driver.bus}' is already axes[${owner}]'s; each drive on a bus needs its own unit id`,
      });
  }
  return issues;
}
