import type { AxisConfig } from './types.ts';

/**
 * The settings an axis ends up with once its layers are merged (its own keys, its preset,
 * `defaults:`, the built-in values), on one line: what `--check-config` prints for each axis.
 */
export function describeEffectiveSettings(axis: AxisConfig): string {
  const { breaker: b, followingError: fe, downgrade: d } = axis;
  const downgrade = d.plan === 'derate' ? `derate ${d.derateFactor}` : d.plan;
  return (
    `${axis.id}: preset ${axis.preset ?? 'none'}; timeoutMs ${axis.timeoutMs}, retries ${axis.retries}, recovery ${axis.recovery}; ` +
    `breaker ${b.consecutiveFailures} failures in a row or ${b.failureRatio.threshold} of ${b.failureRatio.windowSize} calls (min ${b.failureRatio.minimumCalls}), ` +
    `cooldown ${b.cooldownMs}-${b.maxCooldownMs} ms x${b.backoffFactor}, ${b.probesToClose} probes; ` +
    `followingError ${fe.minWindowMm}-${fe.maxWindowMm} mm for ${fe.timeMs} ms; inPositionMm ${axis.inPositionMm}; downgrade ${downgrade}`
  );
}
