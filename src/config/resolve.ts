import { BUILT_IN_AXIS_SETTINGS, type AxisSettings } from './defaults.ts';
import type { AxisSettingsOverride, RawConfig } from './schema.ts';
import { resolveMqtt } from './mqtt-config.ts';
import { PRESETS } from './presets.ts';
import type { Config, ConsoleConfig } from './types.ts';

/**
 * Merges the per-axis settings in four layers, nearest first: the axis, its preset (the axis's
 * `preset:`, else the one in `defaults:`), `defaults:`, the built-in values. `breaker` (with its
 * `failureRatio`), `followingError` and `downgrade` merge key by key, so an axis may override one
 * option and keep the others.
 */
export function resolveConfig(raw: RawConfig): Config {
  const { preset: defaultPreset, ...lineDefaults } = raw.defaults ?? {};
  const defaults = mergeSettings(BUILT_IN_AXIS_SETTINGS, lineDefaults);
  return {
    line: raw.line,
    cycle: raw.cycle,
    journal: raw.journal,
    axes: raw.axes.map(({ id, driver, limits, fallback, onLatchedTrip, preset: axisPreset, ...override }) => {
      const preset = axisPreset ?? defaultPreset;
      return {
        id,
        driver,
        limits,
        fallback,
        onLatchedTrip,
        preset,
        ...mergeSettings(preset ? mergeSettings(defaults, PRESETS[preset]) : defaults, override),
      };
    }),
    buses: raw.buses,
    jobs: raw.jobs,
    degradation: raw.degradation,
    simulation: {
      faults: raw.simulation.faults.map(({ axis, atMs, clearAtMs, fault }) => ({ axis, atMs, clearAtMs, fault })),
    },
    console: raw.console && resolveConsole(raw.console),
    metrics: raw.metrics?.enabled ? { host: raw.metrics.host, port: raw.metrics.port } : undefined,
    mqtt: resolveMqtt(raw.mqtt, raw.line),
    log: raw.log,
  };
}

function resolveConsole(raw: NonNullable<RawConfig['console']>): ConsoleConfig {
  const { socket, serial, operators, idleLogoutS, historySize } = raw;
  return {
    socket: socket && { path: socket.path, mode: Number.parseInt(socket.mode, 8), requireLogin: socket.requireLogin },
    serial,
    operators,
    idleLogoutS,
    historySize,
  };
}

function mergeSettings(base: AxisSettings, override: Omit<AxisSettingsOverride, 'preset'> | undefined): AxisSettings {
  return {
    timeoutMs: override?.timeoutMs ?? base.timeoutMs,
    inPositionMm: override?.inPositionMm ?? base.inPositionMm,
    recovery: override?.recovery ?? base.recovery,
    breaker: {
      ...base.breaker,
      ...override?.breaker,
      failureRatio: { ...base.breaker.failureRatio, ...override?.breaker?.failureRatio },
    },
    followingError: { ...base.followingError, ...override?.followingError },
    retries: override?.retries ?? base.retries,
    downgrade: { ...base.downgrade, ...override?.downgrade },
  };
}
