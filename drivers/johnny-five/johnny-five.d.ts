/**
 * The small part of johnny-five 2.x (an optional dependency without bundled types) that the
 * hobby-servo driver uses, checked against node_modules/johnny-five/lib/board.js and servo.js.
 * Types only: the module itself is loaded lazily (see load-johnny-five.ts).
 */
declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';

  /** One pin as an IO plugin reports it after 'ready' (Firmata's capability and pin-state answers). */
  export interface IoPin {
    /** Mode numbers the pin supports (IoPlugin.MODES values). */
    readonly supportedModes: readonly number[];
    /** Current mode; Firmata updates it from PIN_STATE_RESPONSE. */
    mode: number;
  }

  /**
   * The IO plugin interface (Firmata's shape) as far as Board and Servo need it. Events: 'connect',
   * 'ready', 'close', 'disconnect', 'error'. Firmata answers queryPinState by emitting
   * `pin-state-<pin>` (after updating pins[pin].mode), which is how queryPinState calls back.
   */
  export interface IoPlugin extends EventEmitter {
    /** 'Firmata' for Arduino boards (johnny-five then normalises pin names the Arduino way). */
    readonly name: string;
    readonly isReady: boolean;
    readonly pins: readonly IoPin[];
    readonly analogPins: readonly number[];
    readonly MODES: {
      readonly INPUT: number;
      readonly OUTPUT: number;
      readonly ANALOG: number;
      readonly PWM: number;
      readonly SERVO: number;
    };
    pinMode(pin: number, mode: number): void;
    /** 0 (LOW) or 1 (HIGH). */
    digitalWrite(pin: number, value: number): void;
    /** Attaches the firmware's servo output on `pin` with pulse widths for 0° and 180°, µs. */
    servoConfig(pin: number, minUs: number, maxUs: number): void;
    /** One pulse width, µs (Firmata reads values below 544 as degrees). */
    servoWrite(pin: number, microseconds: number): void;
    queryPinState(pin: number, callback: () => void): void;
    /** Firmata's serial port (serialport 8); absent on plugins without one. */
    readonly transport?: { close(callback?: (error?: Error | null) => void): void };
  }

  export interface BoardOptions {
    readonly io: IoPlugin;
    /** Always false: the REPL would take over stdin. */
    readonly repl: false;
    readonly debug: false;
    /** Always false: otherwise Board installs a SIGINT handler that exits the process. */
    readonly sigint: false;
  }

  /** Events: 'connect', 'ready', 'error' and 'fail' (log records), then the IO plugin's 'close', 'disconnect', 'error'. */
  export class Board extends EventEmitter {
    constructor(options: BoardOptions);
    readonly isReady: boolean;
    readonly io: IoPlugin;
  }

  export interface ServoOptions {
    readonly pin: number;
    readonly board: Board;
    /** Pulse widths at 0° and at 180°, µs; given, the constructor calls io.servoConfig (attaches). */
    readonly pwmRange: readonly [number, number];
    /** Angles to() clamps to, degrees. */
    readonly range: readonly [number, number];
  }

  /** A standard (positional) servo. to(degrees) writes at once: io.servoWrite(pin, µs), µs truncated to an integer. */
  export class Servo extends EventEmitter {
    constructor(options: ServoOptions);
    /** Writes one pulse; an angle equal to the last one written by this instance is not sent again. */
    to(degrees: number): this;
  }

  const five: { readonly Board: typeof Board; readonly Servo: typeof Servo };
  export default five;
}
