import { LX_UNITS_PER_DEGREE } from '../../protocols/bus-servo/lx-protocol.ts';
import type { Config, ConfigIssue } from '../config/index.ts';

/** An LX servo spans 240 degrees in 1000 position units. */
const LX_SPAN_DEGREES = 240;

/**
 * What an LX servo axis's settings must allow, checked at load (refusals name the field, the numbers
 * and the fix): its travel within the servo's 240 degrees, and an in-position window of at least one
 * position unit (0.24 degrees), else a target between two units would never count as reached.
 */
export function checkLxServoAxes(config: Config): ConfigIssue[] {
  return config.axes.flatMap((axis, index) => {
    const driver = axis.driver;
    if (driver.type !== 'lx-servo') return [];
    const unitMm = driver.mmPerDegree / LX_UNITS_PER_DEGREE;
    const spanMm = LX_SPAN_DEGREES * driver.mmPerDegree;
    const issues: ConfigIssue[] = [];
    if (axis.limits.minMm < 0 || axis.limits.maxMm > spanMm)
      issues.push({
        path: `axes[${index}].limits`,
        message: `travel [${axis.limits.minMm}, ${axis.limits.maxMm}] mm is outside the servo's 0..240 degrees (0..${spanMm} mm at mmPerDegree ${driver.mmPerDegree}); narrow the travel or change driver.mmPerDegree`,
      });
    if (axis.inPositionMm < unitMm)
      issues.push({
        path: `axes[${index}].inPositionMm`,
        message: `${axis.inPositionMm} mm is finer than one position unit of an LX servo (0.24 degrees = ${unitMm.toFixed(3)} mm here); set inPositionMm to at least ${Math.ceil(unitMm * 1000) / 1000}`,
      });
    return issues;
  });
}
