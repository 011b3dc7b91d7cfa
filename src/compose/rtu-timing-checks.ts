import { moveExchanges } from '../../drivers/modbus/move-exchanges.ts';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { statusBlockSpan } from '../../protocols/profile-schema.ts';
import { bitsPerChar, frameTimeMs } from '../../protocols/index.ts';
import type { Config, ConfigIssue } from '../config/index.ts';
import type { ProfileTable } from './modbus-axes.ts';

/**
 * What a serial bus's timing must allow, checked at load (refusals name the field, the numbers and
 * the fix): every Modbus axis can finish a move within its deadline, and every drive with a
 * comm-loss watchdog hears from the master in time, even while its neighbours are dead.
 */

/** Bytes on the wire of one exchange, request and answer. FC03: 8 + (5 + 2n). FC06: 8 + 8 (echo). FC16: (9 + 2n) + 8. */
const readExchangeBytes = (registers: number) => 8 + 5 + 2 * registers;
const writeExchangeBytes = (registers: number) => (registers === 1 ? 8 + 8 : 9 + 2 * registers + 8);

/** The bytes on the wire of each exchange of one move, as the driver makes them (moveExchanges). */
const moveExchangeBytes = (profile: DriveProfile, statusRegisters: number): number[] =>
  moveExchanges(profile, statusRegisters).map((e) =>
    e.kind === 'read' ? readExchangeBytes(e.registers) : writeExchangeBytes(e.registers),
  );

type RtuBus = Extract<Config['buses'][number], { type: 'rtu' }>;

/** One Modbus axis on a serial bus, with its place in the config and the wire times of its exchanges. */
interface RtuAxis {
  readonly index: number;
  readonly id: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly bus: RtuBus;
  readonly busIndex: number;
  readonly profile: DriveProfile;
  /** Wire time of each exchange of a move, ms. */
  readonly exchangeWireMs: readonly number[];
}

function rtuAxes(config: Config, profiles: ProfileTable): RtuAxis[] {
  return config.axes.flatMap((axis, index) => {
    if (axis.driver.type !== 'modbus') return [];
    const { bus: busId, profile: profileName } = axis.driver;
    const busIndex = config.buses.findIndex((b) => b.id === busId);
    const bus = config.buses[busIndex];
    const profile = profiles.get(profileName);
    const span = profile && statusBlockSpan(profile.registers);
    if (bus?.type !== 'rtu' || !span) return [];
    const bits = bitsPerChar(bus.parity, bus.stopBits);
    const exchangeWireMs = moveExchangeBytes(profile, span.count).map((bytes) => frameTimeMs(bytes, bus.baudRate, bits));
    return [{ index, id: axis.id, timeoutMs: axis.timeoutMs, retries: axis.retries, bus, busIndex, profile, exchangeWireMs }];
  });
}

/**
 * Refuses an axis whose deadline is shorter than a move takes on its serial bus (the wire time of
 * its exchanges at the baud rate, plus the bus's slack): such an axis could read its status but
 * never finish a move command. At 9600 baud a 12-register status read alone takes ~40 ms.
 */
export function checkBusDeadlines(config: Config, profiles: ProfileTable): ConfigIssue[] {
  return rtuAxes(config, profiles).flatMap(({ index, timeoutMs, bus, exchangeWireMs }) => {
    const wireMs = exchangeWireMs.reduce((sum, ms) => sum + ms, 0);
    const neededMs = Math.ceil(wireMs + bus.slackMs);
    if (timeoutMs >= neededMs) return [];
    return [
      {
        path: `axes[${index}].timeoutMs`,
        message:
          `${timeoutMs} ms is shorter than a move on bus '${bus.id}' (${exchangeWireMs.length} exchanges: status read, target and speed, control word; ` +
          `${wireMs.toFixed(1)} ms on the wire at ${bus.baudRate} baud + ${bus.slackMs} ms slack); set timeoutMs to at least ${neededMs}, or raise the baud rate`,
      },
    ];
  });
}

/**
 * How many times one exchange of `axis` may go on the wire in its slot: once, plus the retries its
 * deadline leaves room for (each retry needs a whole exchange's budget, drivers/exchange-retry.ts).
 */
function attemptsPerSlot(axis: RtuAxis, slackMs: number): number {
  const budgetMs = Math.max(...axis.exchangeWireMs) + slackMs;
  return Math.min(1 + axis.retries, Math.max(1, Math.floor(axis.timeoutMs / budgetMs)));
}

/** Share of a drive's comm-loss watchdog that the bus may use between two requests to it; the rest absorbs our own stalls. */
export const KEEP_ALIVE_SHARE = 0.5;

/**
 * Refuses a serial bus that cannot keep every drive on it inside its comm-loss watchdog. Between two
 * requests to one drive lie at most one poll period, one exchange of its own, and one slot of every
 * other drive on the bus (the bus serves the drive closest to its watchdog first, so no neighbour
 * goes twice before it), each as long as its longest exchange plus the slack a dead drive costs in
 * full, as many times as its retries fit its deadline (a drive's own retry is a request to it, so
 * it counts once for itself). That must fit in KEEP_ALIVE_SHARE of the drive's watchdog.
 */
export function checkBusKeepAlive(config: Config, profiles: ProfileTable): ConfigIssue[] {
  const byBus = new Map<number, RtuAxis[]>();
  for (const axis of rtuAxes(config, profiles)) byBus.set(axis.busIndex, [...(byBus.get(axis.busIndex) ?? []), axis]);
  const periodMs = config.cycle.periodMs;
  return [...byBus.values()].flatMap((axes) => {
    const { bus, busIndex } = axes[0]!;
    const watched = axes.filter((axis) => axis.profile.commLossTimeoutMs > 0);
    const worst = worstGap(periodMs, axes, watched, bus.slackMs);
    if (!worst || worst.gapMs <= allowedGapMs(worst.axis)) return [];
    const { axis: tightest, gapMs } = worst;
    const watchdogMs = tightest.profile.commLossTimeoutMs;
    const allowedMs = allowedGapMs(tightest);
    const fits = (candidates: readonly RtuAxis[], slackMs: number) => {
      const gap = worstGap(
        periodMs,
        candidates,
        candidates.filter((axis) => axis.profile.commLossTimeoutMs > 0),
        slackMs,
      );
      return !gap || gap.gapMs <= allowedGapMs(gap.axis);
    };
    // What would fit: no retries, the largest slack that closes the gap (a smaller slack may leave room for more retries), or the watchdog that covers it.
    let slackFitMs = Math.ceil(bus.slackMs) - 1;
    while (slackFitMs >= 1 && !fits(axes, slackFitMs)) slackFitMs--;
    const attempts = axes.reduce((sum, axis) => sum + attemptsPerSlot(axis, bus.slackMs), 0);
    const retriesCount = attempts > axes.length;
    const fixes = [
      retriesCount &&
      fits(
        axes.map((axis) => ({ ...axis, retries: 0 })),
        bus.slackMs,
      )
        ? 'set retries: 0 on its axes (or in defaults:)'
        : undefined,
      slackFitMs >= 1 ? `lower slackMs to ${slackFitMs}` : undefined,
      `raise the drives' comm-loss watchdog (profile commLossTimeoutMs) to at least ${Math.ceil(gapMs / KEEP_ALIVE_SHARE)} ms`,
      'raise the baud rate, shorten cycle.periodMs, or split the drives over more buses',
    ].filter((fix) => fix !== undefined);
    return [
      {
        path: `buses[${busIndex}]`,
        message:
          `bus '${bus.id}' cannot keep its drives inside their comm-loss watchdog: between two requests to '${tightest.id}' lie up to ${gapMs.toFixed(1)} ms ` +
          `(period ${periodMs} ms + one exchange of each of its ${axes.length} drives at ${bus.baudRate} baud, ${bus.slackMs} ms slack each, as a dead drive costs` +
          `${retriesCount ? ", and its neighbours' retries where their deadlines leave room for them" : ''}), ` +
          `more than ${KEEP_ALIVE_SHARE * 100} % of its ${watchdogMs} ms watchdog (${allowedMs} ms); ${fixes.join('; or ')}`,
      },
    ];
  });
}

const allowedGapMs = (axis: RtuAxis): number => axis.profile.commLossTimeoutMs * KEEP_ALIVE_SHARE;

/** Of the `watched` drives, the one whose longest gap between two requests (see checkBusKeepAlive) comes closest to, or furthest past, its allowance. */
function worstGap(
  periodMs: number,
  axes: readonly RtuAxis[],
  watched: readonly RtuAxis[],
  slackMs: number,
): { readonly axis: RtuAxis; readonly gapMs: number } | undefined {
  const slotMs = (axis: RtuAxis) => Math.max(...axis.exchangeWireMs) + slackMs;
  const roundMs = axes.reduce((sum, axis) => sum + attemptsPerSlot(axis, slackMs) * slotMs(axis), periodMs);
  let worst: { axis: RtuAxis; gapMs: number } | undefined;
  for (const axis of watched) {
    // Its own retries reach it: of its own slot, only one exchange counts.
    const gapMs = roundMs - (attemptsPerSlot(axis, slackMs) - 1) * slotMs(axis);
    if (!worst || gapMs - allowedGapMs(axis) > worst.gapMs - allowedGapMs(worst.axis)) worst = { axis, gapMs };
  }
  return worst;
}
