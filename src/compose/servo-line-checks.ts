import { LX_MAX_POSITION, LX_UNITS_PER_DEGREE } from '../../protocols/bus-servo/lx-protocol.ts';
import { STS_MAX_POSITION, STS_STEPS_PER_DEGREE } from '../../protocols/bus-servo/sts-protocol.ts';
import type { Config, ConfigIssue } from '../config/index.ts';

/** Each bus servo's range and step: LX 0..1000 over 240 degrees; STS 0..4095 steps of one turn. */
const GEOMETRY = {
  'lx-servo': { name: 'an LX servo', spanDegrees: LX_MAX_POSITION / LX_UNITS_PER_DEGREE, stepDegrees: 1 / LX_UNITS_PER_DEGREE },
  'sts-servo': { name: 'an STS servo', spanDegrees: STS_MAX_POSITION / STS_STEPS_PER_DEGREE, stepDegrees: 1 / STS_STEPS_PER_DEGREE },
} as const;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * What a bus-servo axis's settings must allow, checked at load (refusals name the field, the
 * numbers and the fix): its travel within the servo's range, and an in-position window of at least
 * one position step, else a target between two steps would never count as reached.
 */
export function checkBusServoAxes(config: Config): ConfigIssue[] {
  return config.axes.flatMap((axis, index) => {
    const driver = axis.driver;
    if (driver.type !== 'lx-servo' && driver.type !== 'sts-servo') return [];
    const { name, spanDegrees, stepDegrees } = GEOMETRY[driver.type];
    const spanMm = round3(spanDegrees * driver.mmPerDegree);
    const stepMm = stepDegrees * driver.mmPerDegree;
    const issues: ConfigIssue[] = [];
    if (axis.limits.minMm < 0 || axis.limits.maxMm > spanMm)
      issues.push({
        path: `axes[${index}].limits`,
        message: `travel [${axis.limits.minMm}, ${axis.limits.maxMm}] mm is outside ${name}'s 0..${round3(spanDegrees)} degrees (0..${spanMm} mm at mmPerDegree ${driver.mmPerDegree}); narrow the travel or change driver.mmPerDegree`,
      });
    if (axis.inPositionMm < stepMm)
      issues.push({
        path: `axes[${index}].inPositionMm`,
        message: `${axis.inPositionMm} mm is finer than one position step of ${name} (${round3(stepDegrees)} degrees = ${round3(stepMm)} mm here); set inPositionMm to at least ${Math.ceil(stepMm * 1000) / 1000}`,
      });
    return issues;
  });
}
