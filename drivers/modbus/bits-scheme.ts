import type { BitControlStyle } from '../../protocols/drive-profile.ts';
import { hex16, type ControlScheme } from './control-scheme.ts';

/**
 * The generic bit-per-function style (Kpower-style): each control bit is one function, each status
 * bit one flag, as the profile numbers them. Enabling is one write of the enable bit.
 */
export function bitsScheme(style: BitControlStyle): ControlScheme {
  const c = mask(style.controlBits);
  const s = mask(style.statusBits);
  return {
    edgeBits: c.start | c.alarmReset,
    hold: { change: (w) => w | c.hold, raise: 0 },
    move: { change: (w) => w & ~c.hold, raise: c.start },
    disable: { change: (w) => w & ~c.enable, raise: 0 },
    resetAlarm: { change: (w) => w & ~c.enable, raise: c.alarmReset },
    flags(statusWord) {
      const alarm = (statusWord & s.alarm) !== 0;
      return {
        enabled: (statusWord & s.enabled) !== 0,
        ready: (statusWord & s.ready) !== 0 && !alarm,
        moving: (statusWord & s.moving) !== 0,
        holding: (statusWord & s.holding) !== 0,
        targetReached: (statusWord & s.targetReached) !== 0,
        alarm,
      };
    },
    describe: (statusWord) => `status word ${hex16(statusWord)}`,
    enableStep: () => ({ kind: 'write', name: 'enable', command: { change: (w) => w | c.enable, raise: 0 }, final: true }),
  };
}

function mask<K extends string>(bits: Readonly<Record<K, number>>): Record<K, number> {
  return Object.fromEntries(Object.entries<number>(bits).map(([name, bit]) => [name, 1 << bit])) as Record<K, number>;
}
