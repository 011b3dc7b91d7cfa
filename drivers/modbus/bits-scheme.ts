import type { BitControlStyle } from '../../protocols/drive-profile.ts';
import { hex16, type ControlScheme } from './control-scheme.ts';

/**
 * The generic bit-per-function style (Kpower-style): each control bit is one function, each status
 * bit one flag, as the profile numbers them. Enabling is one write of the enable bit.
 */
export function bitsScheme(style: BitControlStyle): ControlScheme {
  const c = mask(style.controlBits);
  const s = style.statusBits;
  return {
    edgeBits: c.start | c.alarmReset,
    hold: { change: (w) => w | c.hold, raise: 0 },
    move: { change: (w) => w & ~c.hold, raise: c.start },
    disable: { change: (w) => w & ~c.enable, raise: 0 },
    resetAlarm: { change: (w) => w & ~c.enable, raise: c.alarmReset },
    flags(statusWord) {
      const on = (bit: number): boolean => (statusWord & (1 << bit)) !== 0;
      const alarm = on(s.alarm);
      return {
        enabled: on(s.enabled),
        ready: on(s.ready) && !alarm,
        moving: on(s.moving),
        holding: on(s.holding),
        targetReached: on(s.targetReached),
        alarm,
        state: `status word ${hex16(statusWord)}`,
      };
    },
    enableStep: () => ({ kind: 'write', name: 'enable', command: { change: (w) => w | c.enable, raise: 0 }, final: true }),
  };
}

function mask<K extends string>(bits: Readonly<Record<K, number>>): Record<K, number> {
  return Object.fromEntries(Object.entries<number>(bits).map(([name, bit]) => [name, 1 << bit])) as Record<K, number>;
}
