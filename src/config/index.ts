export type { BusConfig, ModbusDriverConfig, RtuBusConfig, TcpBusConfig } from './bus-config.ts';
export { ConfigError, isConfigError, type ConfigIssue } from './config-error.ts';
export { JOHNNY_FIVE_DRIVER_DEFAULTS, type JohnnyFiveDriverConfig } from './servo-config.ts';
export { BUILT_IN_AXIS_SETTINGS, CONSOLE_BAUD_RATES, CONSOLE_DEFAULTS, SIMULATED_DRIVER_DEFAULTS, type AxisSettings } from './defaults.ts';
export { loadConfigFile, parseConfig } from './parse.ts';
export { LOG_LEVELS, OBSERVABILITY_DEFAULTS, isLoopbackHost, type LogLevel } from './observability-config.ts';
export { ConfigSchema, PIN_HASH_PATTERN, type AxisSettingsOverride, type RawConfig } from './schema.ts';
export type {
  AxisConfig,
  AxisLimitsConfig,
  BreakerConfig,
  Config,
  ConsoleConfig,
  ConsoleOperatorConfig,
  ConsoleSerialConfig,
  ConsoleSocketConfig,
  DriverConfig,
  FailureRatioConfig,
  FaultScheduleEntry,
  FollowingErrorConfig,
  JobConfig,
  JournalConfig,
  LogConfig,
  MetricsConfig,
  MoveConfig,
  RecoveryMode,
  SimulatedDriverConfig,
  SimulatedFault,
} from './types.ts';
