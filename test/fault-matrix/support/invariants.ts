import { readJournal } from '../../../src/journal/index.ts';
import { asPrinted } from '../../support/journal-story.ts';
import type { MatrixLine } from './matrix-line.ts';

/** A violation of one of the matrix invariants, in words; an empty list means all hold. */
export type Violations = string[];

/**
 * Nothing moves without a command: no moveTo reaches a drive while that axis's breaker is not closed,
 * nor while the axis is in ErrorStop. States are followed through the ordered timeline. The one
 * moveTo allowed there is the documented re-sync step of a recovery or reset: the drive re-targeted to
 * its own actual position (within 0.05 mm of where the simulated drive stood when the request
 * arrived), which moves nothing.
 */
export function motionViolations(h: MatrixLine): Violations {
  const breaker = new Map<string, string>();
  const state = new Map<string, string>();
  const out: Violations = [];
  for (const [index, entry] of h.timeline.entries()) {
    if (entry.kind === 'event') {
      const e = entry.event;
      if (e.type === 'breaker') breaker.set(e.axis, e.to);
      if (e.type === 'axis_state') state.set(e.axis, e.to);
      continue;
    }
    if (entry.request.op !== 'moveTo') continue;
    const b = breaker.get(entry.axis) ?? 'closed';
    const s = state.get(entry.axis) ?? 'Disabled';
    if ((b !== 'closed' || s === 'ErrorStop') && isResyncRetarget(h, index)) continue;
    if (b !== 'closed') out.push(`moveTo to '${entry.axis}' at ${entry.atMs} ms while its breaker is ${b}`);
    if (s === 'ErrorStop') out.push(`moveTo to '${entry.axis}' at ${entry.atMs} ms while it is in ErrorStop`);
  }
  return out;
}

/** True when the moveTo at `index` re-targets the drive to where it stands (within 0.05 mm): it moves nothing. */
function isResyncRetarget(h: MatrixLine, index: number): boolean {
  const move = h.timeline[index]!;
  if (move.kind !== 'request' || move.request.op !== 'moveTo') return false;
  return Math.abs(move.request.targetMm - move.actualMm) <= 0.05;
}

/**
 * Every trip is followed by a hold request at the same axis within one poll period; if the drive did
 * not apply it (deaf drive), the supervisor reports an unconfirmed trip hold.
 */
export function holdViolations(h: MatrixLine): Violations {
  const out: Violations = [];
  for (const trip of h.eventsOf('trip')) {
    const hold = h.requestsOf(trip.axis, 'hold').find((r) => r.atMs >= trip.atMs && r.atMs <= trip.atMs + h.periodMs);
    if (!hold) {
      out.push(`trip of '${trip.axis}' at ${trip.atMs} ms (${trip.reason}) not followed by a hold request within ${h.periodMs} ms`);
      continue;
    }
    if (hold.outcome === 'applied') continue;
    const unconfirmed = h
      .eventsOf('hold')
      .find((e) => e.axis === trip.axis && e.cause === 'trip' && !e.acknowledged && e.atMs >= trip.atMs);
    if (!unconfirmed)
      out.push(`trip hold of '${trip.axis}' at ${hold.atMs} ms was ${hold.outcome}, but no unconfirmed-hold event was reported`);
  }
  return out;
}

/** The journal holds every event, each line valid and stamped with the wall clock, in the order emitted and with non-decreasing time. */
export async function journalViolations(h: MatrixLine): Promise<Violations> {
  const journal = await readJournal(h.journalPath);
  const out: Violations = journal.invalidLines.map((l) => `journal line ${l.line} invalid: ${l.reason}`);
  const unstamped = journal.events.filter((e) => typeof e.time !== 'string').length;
  if (unstamped > 0) out.push(`${unstamped} journal records have no wall-clock time`);
  if (JSON.stringify(asPrinted(journal.events)) !== JSON.stringify(h.events))
    out.push(`journal has ${journal.events.length} events, the run emitted ${h.events.length} (or in another order)`);
  journal.events.forEach((e, i) => {
    if (i > 0 && e.atMs < journal.events[i - 1]!.atMs) out.push(`journal line ${i + 1} goes back in time`);
  });
  return out;
}

/** All invariants at once, for the property and the table rows. */
export async function allViolations(h: MatrixLine): Promise<Violations> {
  return [...motionViolations(h), ...holdViolations(h), ...(await journalViolations(h)), ...h.fatal.map((f) => `fatal: ${String(f)}`)];
}
