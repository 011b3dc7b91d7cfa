import { describe, expect, it } from 'vitest';
import { SocatWireLog, failuresOnStandInMisses, lateAnswers, longestRequestGapOnWireMs, unansweredRequests } from './socat-wire-log.ts';

// socat 1.7's `-x -v` log of two exchanges (taken from a run on this machine), the second answer late.
const LOG = `> 2026/12/06 12:39:25.000940277  length=8 from=0 to=7
 01 03 00 01 00 0c 14 0f                          ........
--
< 2026/12/06 12:39:25.000946009  length=29 from=0 to=28
 01 03 18 00 09 00 00 00 00 00 00 00 00 00 00 00  ................
 00 00 00 00 00 00 00 00 00 00 00 c6 ce           .............
--
> 2026/12/06 12:39:25.000946893  length=8 from=8 to=15
 02 03 00 01 00 0c 14 3c                          .......<
--
< 2026/12/06 12:39:25.000959351  length=29 from=29 to=57
 02 03 18 00 09 00 00 00 00 00 00 00 00 00 00 00  ................
--
> 2026/12/06 12:39:25.000961000  length=8 from=16 to=23
 03 03 00 01 00 0c 15 ed                          ........
--
> 2026/12/06 12:39:25.000980000  length=8 from=24 to=31
 04 03 00 01 00 0c 14 5a                          .......Z
--
`;

/** A transfer `ms` after 12:39:25 on the test's day: a request (8 bytes) or an answer (29) of `unit`. */
const at = (ms: number) => Date.UTC(2026, 11, 6, 12, 39, 25) + ms;
const request = (unit: number, ms: number) => ({ direction: '>' as const, atMs: at(ms), length: 8, firstByte: unit });
const answer = (unit: number, ms: number) => ({ direction: '<' as const, atMs: at(ms), length: 29, firstByte: unit });

describe('SocatWireLog', () => {
  it('reads direction, time, length and first byte of every transfer, whatever the chunks', () => {
    const whole = new SocatWireLog();
    whole.push(LOG);
    const chunked = new SocatWireLog();
    for (let i = 0; i < LOG.length; i += 7) chunked.push(LOG.slice(i, i + 7));
    expect(chunked.all()).toEqual(whole.all());
    expect(whole.all().map((t) => [t.direction, t.length, t.firstByte])).toEqual([
      ['>', 8, 1],
      ['<', 29, 1],
      ['>', 8, 2],
      ['<', 29, 2],
      ['>', 8, 3],
      ['>', 8, 4],
    ]);
    const [request, answer] = whole.all();
    expect(answer!.atMs - request!.atMs).toBeCloseTo(5.732, 3);
    expect(request!.atMs).toBeCloseTo(Date.UTC(2026, 11, 6, 12, 39, 25) + 940.277, 3);
  });

  it('finds the answers later than allowed, and counts a request without an answer as none', () => {
    const log = new SocatWireLog();
    log.push(LOG);
    const late = lateAnswers(log.all(), () => 9.5);
    expect(late).toHaveLength(1);
    expect(late[0]!.unit).toBe(2);
    expect(late[0]!.turnaroundMs).toBeCloseTo(12.458, 3);
    expect(late[0]!.allowedMs).toBe(9.5);
    expect(lateAnswers(log.all(), () => 13)).toEqual([]);
  });

  it("counts an answer that came after the master moved on against its own unit's request", () => {
    const log = new SocatWireLog();
    log.push(`> 2026/12/06 12:39:25.000100000  length=8 from=0 to=7
 04 03 00 01 00 0c 14 5a                          .......Z
--
> 2026/12/06 12:39:25.000110000  length=8 from=8 to=15
 01 03 00 01 00 0c 14 0f                          ........
--
< 2026/12/06 12:39:25.000112500  length=29 from=0 to=28
 04 03 18 00 09 00 00 00 00 00 00 00 00 00 00 00  ................
--
< 2026/12/06 12:39:25.000113500  length=29 from=29 to=57
 01 03 18 00 09 00 00 00 00 00 00 00 00 00 00 00  ................
--
`);
    const late = lateAnswers(log.all(), () => 9.5);
    expect(late.map((a) => [a.unit, Math.round(a.turnaroundMs * 10) / 10])).toEqual([[4, 12.5]]);
  });

  it('finds the requests a unit never answered before the next request to it', () => {
    const log = new SocatWireLog();
    log.push(LOG);
    log.push(`> 2026/12/06 12:39:25.000990000  length=8 from=32 to=39
 03 03 00 01 00 0c 15 ed                          ........
--
`);
    // Unit 3's first request got nothing back before its second; unit 4's only request may still be answered.
    expect(unansweredRequests(log.all()).map((t) => [t.firstByte, t.atMs % 1000])).toEqual([[3, expect.closeTo(961, 3)]]);
  });

  it("times the longest gap between one unit's requests on the wire, from a given instant on", () => {
    const wire = [
      request(1, 0),
      answer(1, 4),
      request(2, 5),
      request(1, 30),
      answer(2, 31),
      request(1, 50),
      request(1, 120),
      answer(1, 124),
    ];
    expect(longestRequestGapOnWireMs(wire, 1, at(0))).toBeCloseTo(70, 6);
    // Requests before the instant (the drive's watchdog not yet armed) start no gap.
    expect(longestRequestGapOnWireMs(wire, 1, at(60))).toBe(0);
    expect(longestRequestGapOnWireMs(wire, 1, at(20))).toBeCloseTo(70, 6);
    expect(longestRequestGapOnWireMs(wire, 2, at(0))).toBe(0);
  });

  it('counts the failures of a row whose request the stand-in answered late or never, each by the last request before it', () => {
    // Unit 2: answered in time at 0, late at 20 (15 ms), never at 40, in time at 60; unit 1 late at 10.
    const wire = [
      request(2, 0),
      answer(2, 4),
      request(1, 10),
      request(2, 20),
      answer(1, 25),
      answer(2, 35),
      request(2, 40),
      request(2, 60),
      answer(2, 64),
    ];
    const missed = new Set([...lateAnswers(wire, () => 9.5), ...unansweredRequests(wire)].map((t) => t.atMs));
    expect(missed).toEqual(new Set([at(10), at(20), at(40)]));
    // Failures judged 10 ms after the requests of 20 and 40: both on misses; the one after 0 is not.
    expect(failuresOnStandInMisses(wire, 2, [at(30), at(50)], missed)).toBe(2);
    expect(failuresOnStandInMisses(wire, 2, [at(10), at(30), at(50)], missed)).toBe(2);
    // Unit 1's late answer explains no failure of unit 2, and a failure is matched to a request at least 5 ms before it.
    expect(failuresOnStandInMisses(wire, 2, [at(22)], missed)).toBe(0);
    expect(failuresOnStandInMisses(wire, 2, [at(26)], missed)).toBe(1);
    // One missed request explains one failure, not two; a request over 80 ms before explains none.
    expect(failuresOnStandInMisses(wire, 2, [at(45), at(55)], missed)).toBe(1);
    expect(failuresOnStandInMisses(wire, 1, [at(85)], missed)).toBe(1);
    expect(failuresOnStandInMisses(wire, 1, [at(95)], missed)).toBe(0);
  });
});
