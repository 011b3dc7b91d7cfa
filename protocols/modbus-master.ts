import type { ModbusRequest } from './pdu.ts';

/**
 * What a driver needs from a Modbus transport, whichever it is (RTU on a serial port, TCP). Every call
 * names its unit id; there is no connection-wide slave id. Calls fail with the errors in errors.ts:
 * ModbusTimeoutError, ModbusCrcError (RTU only), ModbusGarbledError, ModbusExceptionError,
 * PortClosedError; invalid arguments reject with RangeError.
 */

export interface ModbusCallOptions {
  /**
   * Absolute Clock time (ms) by which the answer must be in, covering the wait for the port and the
   * exchange itself. Without it the transport allows the wire time of request and answer plus its
   * configured slack for each.
   */
  readonly deadlineMs?: number;
}

export interface ModbusMasterCounters {
  /** Requests put on the wire. */
  readonly transactions: number;
  /** Answers that did not arrive (complete) before the deadline. */
  readonly timeouts: number;
  /** Of those, the ones whose deadline passed while this process itself was held up (see src/common/own-delay.ts). */
  readonly ownDelayTimeouts: number;
  /** Calls whose deadline passed before they got the port; they never reached the wire. */
  readonly queueTimeouts: number;
  /** Answers with a bad CRC (always 0 on TCP). */
  readonly crcErrors: number;
  /** Exception responses. */
  readonly exceptions: number;
  /** Framed answers that did not fit the request (wrong echo, byte count, MBAP desync). */
  readonly garbled: number;
  /** Late, stray or noise bytes that were thrown away instead of being taken for an answer. */
  readonly discardedBytes: number;
}

/** A master's running counts, all zero: each transport increments its own. */
export const zeroCounters = (): { -readonly [K in keyof ModbusMasterCounters]: number } => ({
  transactions: 0,
  timeouts: 0,
  ownDelayTimeouts: 0,
  queueTimeouts: 0,
  crcErrors: 0,
  exceptions: 0,
  garbled: 0,
  discardedBytes: 0,
});

export interface ModbusMaster {
  /** FC03: `count` (1..125) holding registers from `address`, as unsigned 16-bit values. */
  readHoldingRegisters(unitId: number, address: number, count: number, options?: ModbusCallOptions): Promise<number[]>;
  /** FC06: one register. */
  writeSingleRegister(unitId: number, address: number, value: number, options?: ModbusCallOptions): Promise<void>;
  /** FC16: 1..123 consecutive registers from `address`. */
  writeMultipleRegisters(unitId: number, address: number, values: readonly number[], options?: ModbusCallOptions): Promise<void>;
  /**
   * The longest one exchange of `request` holds the line once sent, ms: its wire time plus the bus's
   * slack and the silence after a failure (RTU), or the answer timeout (TCP). What a retry must still
   * have before its caller's deadline.
   */
  exchangeBudgetMs(request: ModbusRequest): number;
  /** A snapshot of the counters. */
  readonly counters: ModbusMasterCounters;
  /** Releases the port or connection; later calls fail with PortClosedError. */
  close(): Promise<void>;
}
