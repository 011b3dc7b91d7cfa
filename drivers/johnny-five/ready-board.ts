import type { Board, IoPlugin } from 'johnny-five';
import type { Clock } from '../../src/common/clock.ts';
import { DriveCommError } from '../errors.ts';
import type { JohnnyFive } from './load-johnny-five.ts';
import type { HobbyServoSetup } from './servo-setup.ts';

/** A servo output attached on a ready board. */
export interface AttachedServo {
  /** Sends the pulse width for `degrees` (fire and forget: Firmata confirms nothing). Throws DriveCommError 'port_lost' once the board is gone. */
  write(degrees: number): void;
}

/** What a driver may do with its board once johnny-five reports it ready. */
export interface ReadyBoard {
  /**
   * Attaches the firmware's servo output on the setup's pin (Firmata SERVO_CONFIG with the pulse
   * range) and returns it. Nothing is written yet: a fresh output sends its first pulse width on
   * write(). Throws DriveCommError 'exception' when the board says the pin cannot drive a servo.
   */
  attach(setup: Pick<HobbyServoSetup, 'pin' | 'pulseRangeUs' | 'rangeDeg'>): AttachedServo;
  /** Stops the pulses on `pin` (pin mode OUTPUT, driven LOW): the servo goes limp. */
  detach(pin: number): void;
  /**
   * A round trip to the board: asks for the pin's state (Firmata PIN_STATE_QUERY) and resolves with
   * whether the pin is in servo mode. False after an Arduino reset (e.g. a brown-out) even though
   * axisguard never detached it. Rejects with DriveCommError 'timeout' at `deadlineMs` without an answer.
   */
  isServoMode(pin: number, deadlineMs: number): Promise<boolean>;
}

/** ReadyBoard over one johnny-five Board and its Firmata IO plugin. `live()` is false once the link is lost or closed. */
export class FirmataBoard implements ReadyBoard {
  constructor(
    private readonly five: JohnnyFive,
    private readonly board: Board,
    private readonly io: IoPlugin,
    private readonly port: string,
    private readonly clock: Clock,
    private readonly live: () => boolean,
  ) {}

  attach(setup: Pick<HobbyServoSetup, 'pin' | 'pulseRangeUs' | 'rangeDeg'>): AttachedServo {
    const { pin, pulseRangeUs, rangeDeg } = setup;
    this.requireLive(`attach pin ${pin}`);
    if (!(this.io.pins[pin]?.supportedModes ?? []).includes(this.io.MODES.SERVO)) {
      throw new DriveCommError(
        'exception',
        `pin ${pin} of the board on ${this.port} cannot drive a servo (no SERVO mode in its capabilities)`,
      );
    }
    const servo = new this.five.Servo({ pin, board: this.board, pwmRange: pulseRangeUs, range: rangeDeg });
    return {
      write: (degrees) => {
        this.requireLive(`write pin ${pin}`);
        servo.to(degrees);
      },
    };
  }

  detach(pin: number): void {
    this.requireLive(`detach pin ${pin}`);
    this.io.pinMode(pin, this.io.MODES.OUTPUT);
    this.io.digitalWrite(pin, 0);
  }

  isServoMode(pin: number, deadlineMs: number): Promise<boolean> {
    this.requireLive(`query pin ${pin}`);
    return new Promise((resolve, reject) => {
      // Firmata answers through the `pin-state-<pin>` event; drop our listener when no answer comes.
      const event = `pin-state-${pin}`;
      const answer = () => {
        timer.dispose();
        resolve(this.io.pins[pin]?.mode === this.io.MODES.SERVO);
      };
      const timer = this.clock.setTimer(() => {
        this.io.removeListener(event, answer);
        reject(new DriveCommError('timeout', `board on ${this.port}: no answer to the pin ${pin} state query by the deadline`));
      }, deadlineMs - this.clock.now());
      this.io.queryPinState(pin, answer);
    });
  }

  private requireLive(what: string): void {
    if (!this.live()) throw new DriveCommError('port_lost', `board on ${this.port} is gone; cannot ${what}`);
  }
}
