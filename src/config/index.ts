export type { BusConfig, ModbusDriverConfig, RtuBusConfig, TcpBusConfig } from './bus-config.ts';
export { ConfigError, isConfigError, type ConfigIssue } from './config-error.ts';
export { BUILT_IN_AXIS_SETTINGS, CONSOLE_BAUD_RATES, CONSOLE_DEFAULTS, SIMULATED_DRIVER_DEFAULTS, type AxisSettings } from './defaults.ts';
export { loadConfigFile, parseConfig } from './parse.ts';
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
  MoveConfig,
  RecoveryMode,
  SimulatedDriverConfig,
  SimulatedFault,
} from './types.ts';
