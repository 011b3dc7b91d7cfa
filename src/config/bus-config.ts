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

/** A half-duplex line of bus servos, 8N1: LX (LewanSoul/Hiwonder LX-16A and compatibles, 115200) or Feetech STS (default 1 Mbps). */
const servoLine = <T extends 'lx' | 'sts'>(type: T, defaultBaud: number) =>
  strictObject({
    id: BusId,
    type: z.literal(type),
    path: z.string().min(1),
    baudRate: z.int().min(9600).max(1_000_000).default(defaultBaud),
    /** Time allowed per exchange beyond its wire time (the servo's turnaround, OS latency), ms. */
    slackMs: z.number().min(0).max(10_000).default(20),
    /** The adapter echoes what is sent (a one-wire TTL line): drop our own bytes before the answer. */
    echo: z.boolean().default(false),
  });
const LxBus = servoLine('lx', 115_200);
const StsBus = servoLine('sts', 1_000_000).extend({
  /**
   * Poll every servo of the line with one SYNC_READ (instruction 0x82) instead of a READ each: one
   * request and the answers back to back (README "Bus servos" has the measured gain). Turn it off
   * for firmware without SYNC_READ (older SCS series), whose servos then never answer a poll.
   */
  syncRead: z.boolean().default(true),
});

export const BusSchema = z.discriminatedUnion('type', [RtuBus, TcpBus, LxBus, StsBus]);

/** The bus types each driver type needs. */
export const DRIVER_BUS_TYPES: Readonly<Record<string, readonly string[]>> = {
  modbus: ['rtu', 'tcp'],
  'lx-servo': ['lx'],
  'sts-servo': ['sts'],
};

/** An axis whose drive sits on a configured bus. */
export const ModbusDriverSchema = strictObject({
  type: z.literal('modbus'),
  /** Id of an entry in `buses`. */
  bus: z.string(),
  unitId: z.int().min(1).max(247),
  /** A built-in profile name (kpower-generic, cia402-generic) or a profile file, relative to the config file. */
  profile: z.string().min(1).default('kpower-generic'),
});

/** An LX bus servo on a configured `lx` bus. */
export const LxServoDriverSchema = strictObject({
  type: z.literal('lx-servo'),
  bus: z.string(),
  /** The servo's id on its line (LX ids are 0..253; 254 is broadcast). */
  servoId: z.int().min(0).max(253),
  /** Axis mm per degree of servo angle; 1 (the default) makes the axis unit degrees. The servo spans 0..240 degrees. */
  mmPerDegree: z.number().gt(0).max(10_000).default(1),
  /** Over this temperature the servo is in alarm (1), °C. */
  maxTemperatureC: z.number().min(30).max(100).default(70),
});

/** A Feetech STS bus servo on a configured `sts` bus. */
export const StsServoDriverSchema = strictObject({
  type: z.literal('sts-servo'),
  bus: z.string(),
  servoId: z.int().min(0).max(253),
  /** Axis mm per degree of servo angle; 1 (the default) makes the axis unit degrees. One turn: 0..360 degrees. */
  mmPerDegree: z.number().gt(0).max(10_000).default(1),
  /** Register 41, in 100 steps/s²; 0 lets the servo accelerate as fast as it can. */
  acceleration: z.int().min(0).max(254).default(0),
});

export type LxServoDriverConfig = z.output<typeof LxServoDriverSchema>;
export type StsServoDriverConfig = z.output<typeof StsServoDriverSchema>;
export type LxBusConfig = z.output<typeof LxBus>;
export type StsBusConfig = z.output<typeof StsBus>;
/** A bus-servo line's config, either protocol. */
export type ServoLineConfig = LxBusConfig | StsBusConfig;
export type RtuBusConfig = z.output<typeof RtuBus>;
export type TcpBusConfig = z.output<typeof TcpBus>;
export type BusConfig = z.output<typeof BusSchema>;
export type ModbusDriverConfig = z.output<typeof ModbusDriverSchema>;
