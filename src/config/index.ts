export { ConfigError, isConfigError, type ConfigIssue } from './config-error.ts';
export { BUILT_IN_AXIS_SETTINGS, SIMULATED_DRIVER_DEFAULTS, type AxisSettings } from './defaults.ts';
export { loadConfigFile, parseConfig } from './parse.ts';
export { ConfigSchema, type AxisSettingsOverride, type RawConfig } from './schema.ts';
export type {
  AxisConfig,
  AxisLimitsConfig,
  BreakerConfig,
  Config,
  DriverConfig,
  FailureRatioConfig,
  FaultScheduleEntry,
  FollowingErrorConfig,
  JobConfig,
  JournalConfig,
  MoveConfig,
  RecoveryMode,
  SimulatedDriverConfig,
  SimulatedFault,
} from './types.ts';
