/** The Modbus servo driver: one AxisDriver per drive, on a bus shared through a BusScheduler. */
export { ModbusAxisDriver, type ModbusAxisDriverOptions, type ModbusFamily } from './modbus-axis-driver.ts';
