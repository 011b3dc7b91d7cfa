import type { Clock } from '../src/common/clock.ts';
import { PortClosedError } from './errors.ts';
import { encodeReply, type ModbusReply } from './pdu.ts';
import { RtuFrameExtractor, encodeRtuAdu, requestFrameLength, type RtuFrame } from './rtu-framer.ts';
import { serialPortOpener, type OpenSerialLink, type SerialLineOptions, type SerialLink } from './serial-link.ts';
import { admitRequest, answerBytes, executeRequest, type RegisterHandler, type RequestInterceptor } from './slave-handler.ts';

export interface RtuSlaveOptions extends SerialLineOptions {
  readonly clock: Clock;
  readonly handler: RegisterHandler;
  readonly interceptor?: RequestInterceptor;
  /** How the port is opened; default serialport. */
  readonly openLink?: OpenSerialLink;
}

export interface RtuSlaveCounters {
  /** CRC-valid frames addressed to one of our units (or broadcast). */
  readonly requests: number;
  readonly responses: number;
  readonly exceptions: number;
  readonly broadcasts: number;
  /** Frames of plausible length whose CRC did not match: ignored, as the spec says. */
  readonly crcErrors: number;
  /** CRC-valid frames for a unit this slave does not serve: ignored. */
  readonly ignoredOtherUnit: number;
  /** Bytes dropped while looking for a frame. */
  readonly garbageBytes: number;
  /** Requests or answers dropped by the interceptor. */
  readonly dropped: number;
}

/**
 * Modbus RTU slave on one serial port, for the simulator. Frames requests by length (no waiting for a
 * silence: it answers as soon as a request is complete), ignores frames with a bad CRC and frames for
 * other units, answers exceptions for unknown functions and refused registers, executes broadcast
 * (unit 0) writes on every unit without answering. Requests are served one after another, in order.
 */
export class RtuSlave {
  private link: SerialLink | undefined;
  private extractor = new RtuFrameExtractor(requestFrameLength);
  private queue: Promise<void> = Promise.resolve();
  private sequence = 0;
  private interceptor: RequestInterceptor | undefined;
  private count = { requests: 0, responses: 0, exceptions: 0, broadcasts: 0, ignoredOtherUnit: 0, dropped: 0 };
  private framerTotals = { crcErrors: 0, garbageBytes: 0 };

  constructor(private readonly options: RtuSlaveOptions) {
    this.interceptor = options.interceptor;
  }

  get counters(): RtuSlaveCounters {
    const framed = this.extractor.counters;
    return {
      ...this.count,
      crcErrors: this.framerTotals.crcErrors + framed.crcErrors,
      garbageBytes: this.framerTotals.garbageBytes + framed.garbageBytes,
    };
  }

  /** Replaces the fault interceptor (undefined: answer everything normally). */
  setInterceptor(interceptor: RequestInterceptor | undefined): void {
    this.interceptor = interceptor;
  }

  /** Opens the port; rejects with PortClosedError when it cannot. */
  async open(): Promise<void> {
    if (this.link) return;
    const opener = this.options.openLink ?? serialPortOpener(this.options.clock);
    const link = await opener(this.options, {
      onData: (chunk) => {
        if (this.link === link) this.onData(chunk);
      },
      onLost: () => {
        if (this.link === link) this.link = undefined;
      },
    });
    this.link = link;
    this.resetFramer();
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private resetFramer(): void {
    const framed = this.extractor.counters;
    this.framerTotals.crcErrors += framed.crcErrors;
    this.framerTotals.garbageBytes += framed.garbageBytes;
    this.extractor = new RtuFrameExtractor(requestFrameLength);
  }

  private onData(chunk: Uint8Array): void {
    for (const frame of this.extractor.push(chunk)) {
      const link = this.link;
      this.queue = this.queue.then(() => this.serve(link, frame)).catch(() => undefined);
    }
  }

  private async serve(link: SerialLink | undefined, frame: RtuFrame): Promise<void> {
    const broadcast = frame.unitId === 0;
    const units = this.options.handler.unitIds();
    if (!broadcast && !units.includes(frame.unitId)) {
      this.count.ignoredOtherUnit++;
      return;
    }
    const admitted = admitRequest(this.interceptor, frame.unitId, frame.pdu, ++this.sequence, this.count);
    if (!admitted) return;
    const { decoded, fault } = admitted;

    if (broadcast) {
      this.count.broadcasts++;
      if (decoded.ok && decoded.request.kind !== 'readHoldingRegisters') {
        for (const unitId of units) await executeRequest(this.options.handler, unitId, decoded.request);
      }
      return;
    }
    const reply: ModbusReply = decoded.ok ? await executeRequest(this.options.handler, frame.unitId, decoded.request) : decoded;
    if (reply.kind === 'exception') this.count.exceptions++;

    if (fault.delayMs !== undefined && fault.delayMs > 0) await this.options.clock.sleep(fault.delayMs);
    if (!link || this.link !== link) return;
    const adu = encodeRtuAdu(frame.unitId, encodeReply(reply));
    if (fault.corruptCrc) adu[adu.length - 1] = adu[adu.length - 1]! ^ 0xff;
    if (fault.dropResponse) this.count.dropped++;
    const parts = answerBytes(adu, fault);
    if (parts.length === 0) return;
    await link.write(Buffer.concat(parts)).catch((error: unknown) => {
      if (!(error instanceof PortClosedError)) throw error;
    });
    if (!fault.dropResponse) this.count.responses++;
  }
}
