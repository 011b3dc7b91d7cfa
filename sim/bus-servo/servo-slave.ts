import { PortClosedError } from '../../protocols/errors.ts';
import { BROADCAST_ID, ServoFrameExtractor, type FrameFormat, type ServoFrame } from '../../protocols/bus-servo/servo-frame.ts';
import { frameTimeMs } from '../../protocols/rtu-timing.ts';
import { serialPortOpener, type OpenSerialLink, type SerialLink } from '../../protocols/serial-link.ts';
import type { TransportFault } from '../../protocols/slave-handler.ts';
import type { Clock } from '../../src/common/clock.ts';
import type { SimulatedDrive } from '../simulated-drive.ts';

/** What a servo line's slave needs of the simulator: its servos and the wire's verdict on each request. */
export interface ServoHost {
  unitIds(): readonly number[];
  driveOf(id: number): SimulatedDrive;
  /** The faults' verdict on one request to servo `id` (dropped, delayed, damaged), counted as the Modbus face counts. */
  interceptServo(id: number): TransportFault;
}

/** One protocol's servo: what it does with a request addressed to it, and its answer frame (undefined: no answer). */
export type ServoAnswer = (drive: SimulatedDrive, frame: ServoFrame) => Uint8Array | undefined;

export interface ServoSlaveOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly format: FrameFormat;
  readonly answer: ServoAnswer;
  /** A broadcast that servos answer one after another (a Feetech SYNC_READ), as the request each listed servo answers; undefined for any other frame. */
  readonly turnsOf?: (frame: ServoFrame) => readonly ServoFrame[] | undefined;
  readonly clock: Clock;
  readonly host: ServoHost;
  /** Send every received byte straight back, as a one-wire adapter's receiver hears its own transmitter. */
  readonly echo: boolean;
  /** Delay each answer by the time request and answer take at the baud rate (8N1). */
  readonly wireTime: boolean;
  readonly openLink?: OpenSerialLink;
}

export interface ServoSlaveCounters {
  /** Checksum-valid frames for one of our servos or broadcast. */
  readonly requests: number;
  readonly answers: number;
  readonly checksumErrors: number;
  /** Frames for a servo this line does not serve: ignored, as a servo ignores them. */
  readonly ignoredOtherId: number;
}

/**
 * The simulator's end of a half-duplex bus-servo line: frames requests, ignores bad checksums and
 * other ids, carries out broadcasts on every servo without answering, and answers reads after the
 * faults' delay (and the wire time), damaged as they say. Requests are served one after another.
 */
export class ServoSlave {
  private link: SerialLink | undefined;
  private readonly extractor: ServoFrameExtractor;
  private queue: Promise<void> = Promise.resolve();
  private readonly count = { requests: 0, answers: 0, ignoredOtherId: 0 };

  constructor(private readonly options: ServoSlaveOptions) {
    this.extractor = new ServoFrameExtractor(options.format);
  }

  get counters(): ServoSlaveCounters {
    return { ...this.count, checksumErrors: this.extractor.counters.checksumErrors };
  }

  async open(): Promise<void> {
    if (this.link) return;
    const opener = this.options.openLink ?? serialPortOpener(this.options.clock);
    const link = await opener(
      { path: this.options.path, baudRate: this.options.baudRate, parity: 'none', stopBits: 1 },
      {
        onData: (chunk) => {
          if (this.link === link) this.onData(link, chunk);
        },
        onLost: () => {
          if (this.link === link) this.link = undefined;
        },
      },
    );
    this.link = link;
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private onData(link: SerialLink, chunk: Uint8Array): void {
    if (this.options.echo) void link.write(Uint8Array.from(chunk)).catch(ignoreClosed);
    for (const frame of this.extractor.push(chunk)) this.queue = this.queue.then(() => this.serve(link, frame)).catch(() => undefined);
  }

  private async serve(link: SerialLink, frame: ServoFrame): Promise<void> {
    const { host, answer } = this.options;
    // Header (2), id, LEN, body, checksum.
    const requestBytes = frame.body.length + 5;
    if (frame.id === BROADCAST_ID) {
      this.count.requests++;
      const turns = this.options.turnsOf?.(frame);
      if (!turns) {
        for (const id of host.unitIds()) answer(host.driveOf(id), frame);
        return;
      }
      // Each listed servo of this line answers in its turn, once the one before has had the line
      // (timed from the request, so timer granularity does not add up); the request's wire time counts once.
      let lineFreeAtMs = this.options.clock.now();
      let first = true;
      for (const turn of turns) {
        if (!host.unitIds().includes(turn.id)) continue;
        lineFreeAtMs = await this.answerOne(link, turn, first ? requestBytes : 0, lineFreeAtMs);
        first = false;
      }
      return;
    }
    if (!host.unitIds().includes(frame.id)) {
      this.count.ignoredOtherId++;
      return;
    }
    this.count.requests++;
    await this.answerOne(link, frame, requestBytes, this.options.clock.now());
  }

  /**
   * Answers `frame` for its servo at `fromMs` plus the faults' delay and the wire time of
   * `requestBytes` and the answer, damaged as the faults say. Resolves with when its answer left
   * (`fromMs` when there was none): when the line is free for the next servo's turn.
   */
  private async answerOne(link: SerialLink, frame: ServoFrame, requestBytes: number, fromMs: number): Promise<number> {
    const { host, answer, clock } = this.options;
    const fault = host.interceptServo(frame.id);
    if (fault.dropRequest) return fromMs;
    const reply = answer(host.driveOf(frame.id), frame);
    if (!reply || fault.dropResponse) return fromMs;
    const wireMs = this.options.wireTime ? frameTimeMs(requestBytes + reply.length, this.options.baudRate, 10) : 0;
    const dueMs = fromMs + (fault.delayMs ?? 0) + wireMs;
    if (dueMs > clock.now()) await clock.sleep(dueMs - clock.now());
    if (this.link !== link) return dueMs;
    if (fault.corruptCrc) reply[reply.length - 1] = reply[reply.length - 1]! ^ 0xff;
    const bytes = fault.garbageBefore ? Uint8Array.from([...fault.garbageBefore, ...reply]) : reply;
    await link.write(bytes).catch(ignoreClosed);
    this.count.answers++;
    return dueMs;
  }
}

function ignoreClosed(error: unknown): void {
  if (!(error instanceof PortClosedError)) throw error;
}
