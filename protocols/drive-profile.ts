/**
 * A drive profile: the register map of one drive family, as data (hardware/profiles/*.yaml,
 * validated by profile-schema.ts). The Modbus driver decodes with it, and the simulator builds its
 * register image from it with its own encoder, so a decoding bug cannot hide by being repeated.
 *
 * Addresses are 0-based protocol addresses of holding registers (FC03 / FC06 / FC16).
 */

/** Order of the two registers of a 32-bit value. Delta and Kinco put the low word first, Leadshine the high word. */
export type WordOrder = 'high_first' | 'low_first';

export type RegisterType = 'uint16' | 'int16' | 'uint32' | 'int32';

export interface RegisterField {
  readonly address: number;
  readonly type: RegisterType;
}

/** Every register the driver uses. Positions, following error in counts; speeds in counts/s. */
export interface ProfileRegisters {
  readonly controlWord: RegisterField;
  readonly statusWord: RegisterField;
  readonly targetPosition: RegisterField;
  readonly profileSpeed: RegisterField;
  readonly actualPosition: RegisterField;
  readonly actualVelocity: RegisterField;
  readonly followingError: RegisterField;
  readonly alarmCode: RegisterField;
  /** The drive's own comm-loss watchdog, ms; 0 disables it. Written on enable. */
  readonly commLossTimeout: RegisterField;
}

/**
 * Generic bit-per-function control (the Kpower-style map): each named bit of the control word is a
 * function; `start` starts a move to the target on its rising edge; `alarmReset` acts on its rising edge.
 */
export interface BitControlStyle {
  readonly style: 'bits';
  readonly controlBits: {
    readonly enable: number;
    readonly hold: number;
    readonly start: number;
    readonly alarmReset: number;
  };
  readonly statusBits: {
    readonly ready: number;
    readonly enabled: number;
    readonly moving: number;
    readonly targetReached: number;
    readonly alarm: number;
    readonly holding: number;
  };
}

/**
 * CiA 402 controlword / statusword semantics: shutdown 0x06, switch on 0x07, enable operation 0x0F,
 * quick stop (bit 2 cleared), halt bit 8, new set-point bit 4 (rising edge), fault reset bit 7
 * (rising edge); statusword state bits 0-3, 5, 6, target reached bit 10. Fixed by the standard.
 */
export interface Cia402ControlStyle {
  readonly style: 'cia402';
}

export interface DriveProfile {
  readonly name: string;
  readonly description: string;
  readonly wordOrder: WordOrder;
  /** Encoder counts per mm of axis travel; also scales following error and speeds (counts/s). */
  readonly countsPerMm: number;
  /** Written to `commLossTimeout` on enable, so the drive holds by itself if axisguard goes quiet. */
  readonly commLossTimeoutMs: number;
  readonly registers: ProfileRegisters;
  readonly control: BitControlStyle | Cia402ControlStyle;
}

/** Registers of a 16- or 32-bit field. */
export const registerCount = (type: RegisterType): 1 | 2 => (type === 'uint32' || type === 'int32' ? 2 : 1);
