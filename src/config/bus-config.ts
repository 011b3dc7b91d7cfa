import * as z from 'zod';
import { strictObject } from './zod-issues.ts';

/**
 * Modbus buses and the drives on them. A bus is one RS-485 line (a serial port) or one Modbus TCP
 * gateway; several axes share it, each with its own unit id. Kept apart from schema.ts so a new bus
 * kind is one more member here.
 */

const BusId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'must start with a letter and hold only letters, digits, _ and -' });

const RtuBus = strictObject({
  id: BusId,
  type: z.literal('rtu'),
  /** Serial device, e.g. /dev/ttyUSB0 or a stable udev name such as /dev/rs485-line1. */
  path: z.string().min(1),
  baudRate: z.int().min(1200).max(4_000_000).default(115_200),
  /** The Modbus spec's default is even parity. */
  parity: z.enum(['none', 'even', 'odd']).default('even'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Time allowed per transaction beyond its wire time at this baud rate (drive turnaround, OS latency), ms. */
  slackMs: z.number().min(0).max(10_000).default(20),
});

const TcpBus = strictObject({
  id: BusId,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.int().min(1).max(65_535).default(502),
  /** Longest wait for one answer through the gateway, ms: a dead drive behind it costs its neighbours this much. */
  responseTimeoutMs: z.number().gt(0).max(60_000).default(50),
});

export const BusSchema = z.discriminatedUnion('type', [RtuBus, TcpBus]);

/** An axis whose drive sits on a configured bus. */
export const ModbusDriverSchema = strictObject({
  type: z.literal('modbus'),
  /** Id of an entry in `buses`. */
  bus: z.string(),
  unitId: z.int().min(1).max(247),
  /** A built-in profile name (kpower-generic, cia402-generic) or a profile file, relative to the config file. */
  profile: z.string().min(1).default('kpower-generic'),
});

export type RtuBusConfig = z.output<typeof RtuBus>;
export type TcpBusConfig = z.output<typeof TcpBus>;
export type BusConfig = z.output<typeof BusSchema>;
export type ModbusDriverConfig = z.output<typeof ModbusDriverSchema>;
