/** The Modbus wire layer: framing, transports (RTU, TCP; master and slave) and the bus scheduler. */
export { BUS_PRIORITIES, BusScheduler, type BusPriority, type BusSchedulerCounters, type QueueWaitCounters } from './bus-scheduler.ts';
export { appendCrc, crc16, hasValidCrc } from './crc16.ts';
export {
  ModbusCrcError,
  ModbusExceptionError,
  ModbusGarbledError,
  ModbusTimeoutError,
  PortClosedError,
  isModbusCrcError,
  isModbusError,
  isModbusExceptionError,
  isModbusGarbledError,
  isModbusTimeoutError,
  isPortClosedError,
  type ModbusError,
  type TimeoutStage,
} from './errors.ts';
export { MbapFrameExtractor, encodeMbapAdu, type MbapFrame } from './mbap.ts';
export type { ModbusCallOptions, ModbusMaster, ModbusMasterCounters } from './modbus-master.ts';
export {
  ExceptionCode,
  FunctionCode,
  MAX_READ_REGISTERS,
  MAX_WRITE_REGISTERS,
  decodeRequest,
  decodeResponse,
  encodeReply,
  encodeRequest,
  type ModbusExceptionResponse,
  type ModbusReply,
  type ModbusRequest,
  type ModbusResponse,
} from './pdu.ts';
export {
  MAX_RTU_ADU,
  RtuFrameExtractor,
  encodeRtuAdu,
  requestFrameLength,
  responseFrameRule,
  type FrameLength,
  type FrameLengthRule,
  type RtuFrame,
  type RtuFramerCounters,
} from './rtu-framer.ts';
export { RtuMaster, type RtuMasterOptions } from './rtu-master.ts';
export { RtuSlave, type RtuSlaveCounters, type RtuSlaveOptions } from './rtu-slave.ts';
export { bitsPerChar, charTimeMs, frameTimeMs, silentIntervalMs } from './rtu-timing.ts';
export {
  serialPortOpener,
  type OpenSerialLink,
  type Parity,
  type SerialLineOptions,
  type SerialLink,
  type SerialLinkHandlers,
} from './serial-link.ts';
export {
  executeRequest,
  modbusException,
  type InterceptedRequest,
  type ModbusException,
  type RegisterHandler,
  type RequestInterceptor,
  type TransportFault,
} from './slave-handler.ts';
export { TcpMaster, type TcpMasterOptions } from './tcp-master.ts';
export { TcpSlave, type TcpSlaveCounters, type TcpSlaveOptions } from './tcp-slave.ts';
export { TransactionLock } from './transaction-lock.ts';
