/**
 * What crossed a socat pty pair, from socat's own `-x -v` log: each transfer with its direction, its
 * time (socat's wall clock, when socat moved it), its length and its first byte (an RTU frame's unit
 * id). The stand-ins for hardware (the simulator, socat) share the test machine with the supervisor:
 * this is the one record of when an answer really came that neither side's clock wrote.
 */

export interface WireTransfer {
  /** '>' from the first address (the master's end, ttyA) to the second, '<' back. */
  readonly direction: '>' | '<';
  /** Unix time, ms. */
  readonly atMs: number;
  readonly length: number;
  /** The first byte moved, or undefined when the log gave no data line for it. */
  readonly firstByte: number | undefined;
}

/** `> 2026/12/06 11:40:01.000979450  length=8 from=0 to=7`: socat prints microseconds, zero-padded to 9 digits. */
const HEADER = /^([<>]) (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d+)\s+length=(\d+)/;

/** Parses socat's `-x -v` log as it comes in chunks (a line may be split between chunks). */
export class SocatWireLog {
  private readonly transfers: WireTransfer[] = [];
  private pending = '';
  private last: { direction: '>' | '<'; atMs: number; length: number; firstByte: number | undefined } | undefined;

  push(text: string): void {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Every transfer so far, in socat's order. */
  all(): readonly WireTransfer[] {
    return this.transfers;
  }

  private line(line: string): void {
    const header = HEADER.exec(line);
    if (header) {
      const [, direction, year, month, day, hour, minute, second, micros, length] = header;
      const atMs = Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second!) + Number(micros) / 1000;
      this.last = { direction: direction as '>' | '<', atMs, length: Number(length), firstByte: undefined };
      this.transfers.push(this.last);
      return;
    }
    // The first hex line after a header: ` 01 03 00 01 00 0c 14 0f    ........`
    if (this.last && this.last.firstByte === undefined && /^ [0-9a-f]{2}( |$)/.test(line))
      this.last.firstByte = Number.parseInt(line.slice(1, 3), 16);
  }
}

/** An answer that came later than the line allows: its request's first byte (the unit), and how long it took. */
export interface LateAnswer {
  readonly unit: number | undefined;
  readonly atMs: number;
  readonly turnaroundMs: number;
  readonly allowedMs: number;
}

/**
 * The answers that came later than `allowedMs(requestBytes, answerBytes)` after their request. An
 * answer belongs to the latest unanswered request to the same unit (its first byte), so one that
 * comes only after the master has given up and moved on to the next drive is still counted, against
 * the right request; a request never answered (a silent drive) is no late answer. socat's clock is
 * UTC wall time, as the header says; only differences are used.
 */
export function lateAnswers(
  transfers: readonly WireTransfer[],
  allowedMs: (requestBytes: number, answerBytes: number) => number,
): LateAnswer[] {
  const late: LateAnswer[] = [];
  const unanswered = new Map<number | undefined, WireTransfer>();
  for (const transfer of transfers) {
    if (transfer.direction === '>') {
      unanswered.set(transfer.firstByte, transfer);
      continue;
    }
    const request = unanswered.get(transfer.firstByte);
    if (!request) continue;
    unanswered.delete(transfer.firstByte);
    const turnaroundMs = transfer.atMs - request.atMs;
    const allowed = allowedMs(request.length, transfer.length);
    if (turnaroundMs > allowed) late.push({ unit: request.firstByte, atMs: request.atMs, turnaroundMs, allowedMs: allowed });
  }
  return late;
}

/**
 * The requests that got no answer at all on the wire: a request to a unit followed by another request
 * to the same unit with no transfer back from it in between (the last request of each unit, whose
 * answer the log may not hold yet, is left out). For a drive that was not silenced, the stand-in
 * dropped it.
 */
export function unansweredRequests(transfers: readonly WireTransfer[]): WireTransfer[] {
  const unanswered: WireTransfer[] = [];
  const open = new Map<number | undefined, WireTransfer>();
  for (const transfer of transfers) {
    if (transfer.direction === '<') {
      open.delete(transfer.firstByte);
      continue;
    }
    const before = open.get(transfer.firstByte);
    if (before) unanswered.push(before);
    open.set(transfer.firstByte, transfer);
  }
  return unanswered;
}

/**
 * The longest time between two requests to `unit` that socat moved at or after `fromMs` (Unix ms):
 * the gap a real drive on this wire would have seen, without the stand-in's own lateness in reading
 * them (the sim's longestRequestGapMs is timed when the sim gets to a request). 0 with fewer than two.
 */
export function longestRequestGapOnWireMs(transfers: readonly WireTransfer[], unit: number, fromMs: number): number {
  let longest = 0;
  let previousMs: number | undefined;
  for (const transfer of transfers) {
    if (transfer.direction !== '>' || transfer.firstByte !== unit || transfer.atMs < fromMs) continue;
    if (previousMs !== undefined) longest = Math.max(longest, transfer.atMs - previousMs);
    previousMs = transfer.atMs;
  }
  return longest;
}

/** A failure is judged no sooner than this after its request went out, ms: request and answer must cross the wire first (at 115200 baud a status read alone takes 3.5 ms, and the bus adds its slack). */
const MIN_FAILURE_AFTER_REQUEST_MS = 5;
/** A failure's request went out at most this long before it, ms: the rig's lines' 60 ms deadline, their 10 ms cycle, and room. */
const MAX_FAILURE_AFTER_REQUEST_MS = 80;

/**
 * Of the failed calls of a row to `unit` (`failuresAtMs`, Unix ms, in order), how many the stand-in
 * explains: the last request to the unit that socat moved before the failure (at least
 * MIN_FAILURE_AFTER_REQUEST_MS, at most MAX_FAILURE_AFTER_REQUEST_MS before it) is one it answered
 * late or never (`missedRequestsAtMs`: those requests' times, as lateAnswers and unansweredRequests
 * give them). Each request explains one failure at most.
 */
export function failuresOnStandInMisses(
  transfers: readonly WireTransfer[],
  unit: number,
  failuresAtMs: readonly number[],
  missedRequestsAtMs: ReadonlySet<number>,
): number {
  const requests = transfers.filter((t) => t.direction === '>' && t.firstByte === unit);
  const used = new Set<WireTransfer>();
  const lastRequestBefore = (atMs: number): WireTransfer | undefined => {
    let last: WireTransfer | undefined;
    for (const request of requests) if (request.atMs <= atMs) last = request;
    return last;
  };
  return failuresAtMs.filter((failedAtMs) => {
    const request = lastRequestBefore(failedAtMs - MIN_FAILURE_AFTER_REQUEST_MS);
    if (request === undefined || used.has(request) || request.atMs <= failedAtMs - MAX_FAILURE_AFTER_REQUEST_MS) return false;
    used.add(request);
    return missedRequestsAtMs.has(request.atMs);
  }).length;
}
