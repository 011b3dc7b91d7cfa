import { EventEmitter } from 'node:events';
import type { IoPin, IoPlugin } from 'johnny-five';
import type { Clock } from '../../../../src/common/clock.ts';

/** Firmata's pin modes, as firmata.js numbers them. */
export const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;

/** One call that reached the IO plugin, with the Clock's time. */
export type IoCall =
  | { readonly atMs: number; readonly op: 'servoConfig'; readonly pin: number; readonly minUs: number; readonly maxUs: number }
  | { readonly atMs: number; readonly op: 'servoWrite'; readonly pin: number; readonly us: number }
  | { readonly atMs: number; readonly op: 'pinMode'; readonly pin: number; readonly mode: number }
  | { readonly atMs: number; readonly op: 'digitalWrite'; readonly pin: number; readonly value: number }
  | { readonly atMs: number; readonly op: 'queryPinState'; readonly pin: number };

/** Twenty pins like an Arduino Uno: 0..13 digital (servo-capable from 2 on), 14..19 analog. */
function unoPins(): IoPin[] {
  return Array.from({ length: 20 }, (_, pin) => {
    const supportedModes: number[] = pin < 2 ? [] : pin < 14 ? [MODES.INPUT, MODES.OUTPUT, MODES.SERVO] : [MODES.INPUT, MODES.ANALOG];
    return { supportedModes, mode: pin < 14 ? MODES.OUTPUT : MODES.ANALOG };
  });
}

/**
 * The part of the Firmata IO plugin that johnny-five's Board and Servo, and the hobby-servo driver,
 * use: an EventEmitter named 'Firmata' with pins, MODES, servoConfig/servoWrite/pinMode/digitalWrite
 * and queryPinState, answering pin-state queries `replyLatencyMs` later on the Clock, as
 * `pin-state-<pin>` events (like firmata.js). It keeps the Arduino's own pin modes apart from the
 * host's copy in `pins`, so an Arduino reset can be played. Every call is recorded in `calls`.
 */
export class StubFirmata extends EventEmitter implements IoPlugin {
  readonly name = 'Firmata';
  readonly MODES = MODES;
  readonly pins = unoPins();
  readonly analogPins = [14, 15, 16, 17, 18, 19];
  readonly calls: IoCall[] = [];
  isReady = false;
  /** Whether the Arduino answers pin-state queries (false: a stalled USB link or firmware). */
  answering = true;
  replyLatencyMs = 1;
  /** The Arduino's pin modes (what a pin-state answer reports). */
  private readonly boardModes = this.pins.map((p) => p.mode);

  constructor(private readonly clock: Clock) {
    super();
  }

  /** The port opened and Firmata reported its capabilities: 'connect', then 'ready'. */
  boot(): void {
    this.emit('connect');
    this.isReady = true;
    this.emit('ready');
  }

  /** The Arduino reset by itself (e.g. a brown-out): every digital pin back to OUTPUT, servos limp. */
  resetArduino(): void {
    for (const [pin, mode] of this.boardModes.entries()) this.boardModes[pin] = mode === MODES.SERVO ? MODES.OUTPUT : mode;
  }

  servoConfig(pin: number, minUs: number, maxUs: number): void {
    this.setMode(pin, MODES.SERVO);
    this.calls.push({ atMs: this.clock.now(), op: 'servoConfig', pin, minUs, maxUs });
  }

  servoWrite(pin: number, us: number): void {
    this.calls.push({ atMs: this.clock.now(), op: 'servoWrite', pin, us });
  }

  pinMode(pin: number, mode: number): void {
    this.setMode(pin, mode);
    this.calls.push({ atMs: this.clock.now(), op: 'pinMode', pin, mode });
  }

  digitalWrite(pin: number, value: number): void {
    this.calls.push({ atMs: this.clock.now(), op: 'digitalWrite', pin, value });
  }

  queryPinState(pin: number, callback: () => void): void {
    this.once(`pin-state-${pin}`, callback);
    this.calls.push({ atMs: this.clock.now(), op: 'queryPinState', pin });
    if (!this.answering) return;
    this.clock.setTimer(() => {
      if (!this.answering) return;
      this.pins[pin]!.mode = this.boardModes[pin]!;
      this.emit(`pin-state-${pin}`);
    }, this.replyLatencyMs);
  }

  /** The pulse widths written to `pin`, µs, in order. */
  pulsesOn(pin: number): number[] {
    return this.calls.flatMap((c) => (c.op === 'servoWrite' && c.pin === pin ? [c.us] : []));
  }

  /** Every call but the pin-state queries (what changes the outputs). */
  get outputCalls(): IoCall[] {
    return this.calls.filter((c) => c.op !== 'queryPinState');
  }

  private setMode(pin: number, mode: number): void {
    this.pins[pin]!.mode = mode;
    this.boardModes[pin] = mode;
  }
}
