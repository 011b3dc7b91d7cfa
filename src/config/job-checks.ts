import { notAnAxis, type AxisIndex } from './axis-index.ts';
import type { DocPath, PathIssue } from './issue-path.ts';
import { asList, asNumber, asObject, type Obj } from './raw-values.ts';
import { DRIVER_TYPES } from './schema.ts';

/** Unique job ids, jobs on known axes, and every move within its axis's travel and max speed. */
export function checkJobs(value: unknown, axes: AxisIndex, issues: PathIssue[]): void {
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

/** Faults only for known, simulated axes, each cleared after it is injected. */
export function checkFaults(value: unknown, axes: AxisIndex, issues: PathIssue[]): void {
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

/** [minMm, maxMm] of an axis when both are numbers and in order (else positions are not checked). */
function travelOf(axis: Obj | undefined): readonly [number, number] | undefined {
  const limits = asObject(axis?.limits);
  const minMm = asNumber(limits?.minMm);
  const maxMm = asNumber(limits?.maxMm);
  return minMm === undefined || maxMm === undefined || minMm >= maxMm ? undefined : [minMm, maxMm];
}
