import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Clock } from '../src/common/clock.ts';
import { withDeadline } from '../src/common/deadline.ts';
import { MbapFrameExtractor, encodeMbapAdu, type MbapFrame } from './mbap.ts';
import { ExceptionCode, encodeReply, type ModbusReply } from './pdu.ts';
import { admitRequest, answerBytes, executeRequest, type RegisterHandler, type RequestInterceptor } from './slave-handler.ts';

export interface TcpSlaveOptions {
  readonly clock: Clock;
  readonly handler: RegisterHandler;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) picks a free port; listen() tells which. */
  readonly port?: number;
  readonly interceptor?: RequestInterceptor;
  /**
   * What to do with a request for a unit the handler does not serve: answer exception 0x0B (gateway
   * target failed to respond, as a TCP-to-RTU gateway would; the default) or ignore it.
   */
  readonly unknownUnit?: 'gatewayException' | 'ignore';
}

export interface TcpSlaveCounters {
  readonly connections: number;
  readonly requests: number;
  readonly responses: number;
  readonly exceptions: number;
  readonly ignoredOtherUnit: number;
  /** Connections dropped because their byte stream did not frame as MBAP. */
  readonly desynchronised: number;
  /** Requests or answers dropped by the interceptor. */
  readonly dropped: number;
}

/**
 * Modbus TCP slave (MBAP) on a TCP port, for the simulator. Each connection is served in order, one
 * request after another; connections are independent. A connection that sends something that is
 * not MBAP is closed.
 */
export class TcpSlave {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private interceptor: RequestInterceptor | undefined;
  private sequence = 0;
  private count = { connections: 0, requests: 0, responses: 0, exceptions: 0, ignoredOtherUnit: 0, desynchronised: 0, dropped: 0 };

  constructor(private readonly options: TcpSlaveOptions) {
    this.interceptor = options.interceptor;
  }

  get counters(): TcpSlaveCounters {
    return { ...this.count };
  }

  setInterceptor(interceptor: RequestInterceptor | undefined): void {
    this.interceptor = interceptor;
  }

  /** Starts listening; resolves with the address actually bound. */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.server) throw new Error('TcpSlave is already listening');
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await withDeadline(this.options.clock, closed, this.options.clock.now() + 2000, () => new Error('server close timed out')).catch(
      () => undefined,
    );
  }

  private accept(socket: Socket): void {
    this.count.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const extractor = new MbapFrameExtractor();
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of extractor.push(chunk)) queue = queue.then(() => this.serve(socket, frame)).catch(() => undefined);
      if (extractor.desynchronised !== undefined) {
        this.count.desynchronised++;
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async serve(socket: Socket, frame: MbapFrame): Promise<void> {
    const served = this.options.handler.unitIds().includes(frame.unitId);
    if (!served && (this.options.unknownUnit ?? 'gatewayException') === 'ignore') {
      this.count.ignoredOtherUnit++;
      return;
    }
    const admitted = admitRequest(this.interceptor, frame.unitId, frame.pdu, ++this.sequence, this.count);
    if (!admitted) return;
    const { decoded, fault } = admitted;
    let reply: ModbusReply;
    if (!served) {
      this.count.ignoredOtherUnit++;
      reply = { kind: 'exception', functionCode: frame.pdu[0] ?? 0, code: ExceptionCode.GatewayTargetFailedToRespond };
    } else {
      reply = decoded.ok ? await executeRequest(this.options.handler, frame.unitId, decoded.request) : decoded;
    }
    if (reply.kind === 'exception') this.count.exceptions++;

    if (fault.delayMs !== undefined && fault.delayMs > 0) await this.options.clock.sleep(fault.delayMs);
    if (socket.destroyed) return;
    if (fault.dropResponse) this.count.dropped++;
    const parts = answerBytes(encodeMbapAdu(frame.transactionId, frame.unitId, encodeReply(reply)), fault);
    if (parts.length === 0) return;
    socket.write(Buffer.concat(parts));
    if (!fault.dropResponse) this.count.responses++;
  }
}
