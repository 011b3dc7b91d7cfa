import { connect, type Socket } from 'node:net';
import type { Clock } from '../src/common/clock.ts';
import { watchDeadline } from '../src/common/deadline.ts';
import type { Disposable } from '../src/common/disposable.ts';
import { ModbusExceptionError, ModbusGarbledError, ModbusTimeoutError, PortClosedError } from './errors.ts';
import { MbapFrameExtractor, encodeMbapAdu } from './mbap.ts';
import type { ModbusCallOptions } from './modbus-master.ts';
import { TransactingMaster } from './transacting-master.ts';
import { decodeResponse, encodeRequest, type ModbusRequest, type ModbusResponse } from './pdu.ts';
import { TransactionLock } from './transaction-lock.ts';

export interface TcpMasterOptions {
  readonly host: string;
  readonly port: number;
  readonly clock: Clock;
  /** Longest wait for an answer, from the moment the request is sent; a caller's later deadline does not extend it. Default 1000 ms. */
  readonly timeoutMs?: number;
  /** Longest connect attempt. Default 1000 ms. */
  readonly connectTimeoutMs?: number;
  /** Wait before the next connect attempt after a failed one, doubling per failure. Default 100..5000 ms. */
  readonly reconnectBackoffMs?: { readonly initial: number; readonly max: number };
}

interface Connection {
  readonly socket: Socket;
  readonly extractor: MbapFrameExtractor;
}

type ConnState =
  | { readonly kind: 'disconnected'; readonly retryAtMs: number; readonly failures: number }
  | { readonly kind: 'connected'; readonly connection: Connection }
  | { readonly kind: 'closed' };

interface Exchange {
  readonly transactionId: number;
  onFrame(unitId: number, pdu: Uint8Array): void;
  fail(error: Error): void;
}

/**
 * Modbus TCP master: MBAP framing, a fresh transaction id per request, unit id per call. One request
 * at a time; an answer whose transaction id is not the one in flight (a late answer) is discarded.
 * Connects on the first call and reconnects on a later call after the connection is lost, within that
 * call's deadline; after a failed attempt further calls fail fast with PortClosedError until the
 * backoff has passed. Nothing waits "until connected".
 */
export class TcpMaster extends TransactingMaster {
  private state: ConnState = { kind: 'disconnected', retryAtMs: Number.NEGATIVE_INFINITY, failures: 0 };
  private exchange: Exchange | undefined;
  private nextTransactionId = 1;
  private readonly clock: Clock;
  private readonly lock: TransactionLock;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly backoff: { readonly initial: number; readonly max: number };

  constructor(private readonly options: TcpMasterOptions) {
    super();
    this.clock = options.clock;
    this.lock = new TransactionLock(options.clock);
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 1000;
    this.backoff = options.reconnectBackoffMs ?? { initial: 100, max: 5000 };
  }

  get isConnected(): boolean {
    return this.state.kind === 'connected';
  }

  /** Connects now (optional: calls connect on demand). Rejects with PortClosedError. */
  async connect(options?: ModbusCallOptions): Promise<void> {
    const deadlineMs = options?.deadlineMs ?? this.clock.now() + this.connectTimeoutMs;
    const hold = await this.acquire(deadlineMs);
    try {
      await this.connected(deadlineMs);
    } finally {
      hold.dispose();
    }
  }

  /** Drops the connection for good; later calls fail with PortClosedError. */
  async close(): Promise<void> {
    const state = this.state;
    this.state = { kind: 'closed' };
    this.exchange?.fail(new PortClosedError('Modbus TCP master was closed'));
    if (state.kind === 'connected') state.connection.socket.destroy();
  }

  private async acquire(deadlineMs: number): Promise<Disposable> {
    try {
      return await this.lock.acquire(deadlineMs);
    } catch (error) {
      this.count.queueTimeouts++;
      throw error;
    }
  }

  /** An answer is due within the answer timeout, whatever the request. */
  exchangeBudgetMs(_request: ModbusRequest): number {
    return this.timeoutMs;
  }

  protected async transact(unitId: number, request: ModbusRequest, options: ModbusCallOptions | undefined): Promise<ModbusResponse> {
    if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw new RangeError(`unit id ${unitId} is not in 0..255`);
    const pdu = encodeRequest(request);
    const explicitDeadline = options?.deadlineMs;
    const hold = await this.acquire(explicitDeadline ?? this.clock.now() + this.timeoutMs);
    try {
      const connection = await this.connected(explicitDeadline ?? this.clock.now() + this.connectTimeoutMs);
      if (explicitDeadline !== undefined && this.clock.now() >= explicitDeadline) {
        this.count.queueTimeouts++;
        throw new ModbusTimeoutError('queue', 'deadline passed before the request could be sent');
      }
      // As on RTU: an answer is due within timeoutMs however long the caller would wait, so one dead
      // drive behind a gateway holds the connection for one timeout, not for its caller's deadline.
      const answerDueMs = this.clock.now() + this.timeoutMs;
      return await this.exchangeOnce(connection, unitId, request, pdu, Math.min(explicitDeadline ?? answerDueMs, answerDueMs));
    } finally {
      hold.dispose();
    }
  }

  private exchangeOnce(
    connection: Connection,
    unitId: number,
    request: ModbusRequest,
    pdu: Uint8Array,
    deadlineMs: number,
  ): Promise<ModbusResponse> {
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    return new Promise<ModbusResponse>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        timer.dispose();
        if (this.exchange === exchange) this.exchange = undefined;
        settle();
      };
      const fail = (error: Error): void => finish(() => reject(error));
      const exchange: Exchange = {
        transactionId,
        onFrame: (gotUnit, answer) => {
          if (gotUnit !== unitId) {
            this.count.garbled++;
            return fail(new ModbusGarbledError(`answer to transaction ${transactionId} names unit ${gotUnit}, not ${unitId}`));
          }
          const decoded = decodeResponse(request, answer);
          if (decoded.ok) return finish(() => resolve(decoded.response));
          if (decoded.kind === 'exception') {
            this.count.exceptions++;
            return fail(new ModbusExceptionError(decoded.functionCode, decoded.code));
          }
          this.count.garbled++;
          fail(new ModbusGarbledError(`unit ${unitId}: ${decoded.reason}`));
        },
        fail,
      };
      // Judged after the input already waiting is read (see watchDeadline): our own stall is no timeout.
      const timer = watchDeadline(this.clock, deadlineMs, () => {
        fail(this.answerTimeout(this.clock, `unit ${unitId}: no answer to transaction ${transactionId} by the deadline`, deadlineMs));
      });
      this.exchange = exchange;
      this.count.transactions++;
      connection.socket.write(encodeMbapAdu(transactionId, unitId, pdu));
    });
  }

  /** The live connection, or a new one within `deadlineMs`; fails fast during the backoff. */
  private async connected(deadlineMs: number): Promise<Connection> {
    const state = this.state;
    if (state.kind === 'closed') throw new PortClosedError('Modbus TCP master was closed');
    if (state.kind === 'connected') return state.connection;
    const now = this.clock.now();
    if (now < state.retryAtMs) {
      throw new PortClosedError(`not connected to ${this.address}; next attempt in ${Math.ceil(state.retryAtMs - now)} ms`);
    }
    try {
      const socket = await this.openSocket(Math.min(deadlineMs, now + this.connectTimeoutMs));
      const connection: Connection = { socket, extractor: new MbapFrameExtractor() };
      if (this.state !== state) {
        socket.destroy();
        throw new PortClosedError('Modbus TCP master was closed while connecting');
      }
      this.state = { kind: 'connected', connection };
      socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
      socket.on('close', () => this.onClosed(connection));
      return connection;
    } catch (error) {
      if (this.state === state) {
        const failures = state.failures + 1;
        const delayMs = Math.min(this.backoff.max, this.backoff.initial * 2 ** (failures - 1));
        this.state = { kind: 'disconnected', retryAtMs: this.clock.now() + delayMs, failures };
      }
      throw error instanceof PortClosedError
        ? error
        : new PortClosedError(`cannot connect to ${this.address}: ${(error as Error).message}`);
    }
  }

  private get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private openSocket(deadlineMs: number): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      socket.setNoDelay(true);
      const timer = this.clock.setTimer(() => {
        socket.destroy();
        reject(new PortClosedError(`connecting to ${this.address} timed out`));
      }, deadlineMs - this.clock.now());
      socket.once('connect', () => {
        timer.dispose();
        socket.removeAllListeners('error');
        socket.on('error', () => undefined); // 'close' follows and is handled there
        resolve(socket);
      });
      socket.once('error', (error) => {
        timer.dispose();
        socket.destroy();
        reject(new PortClosedError(`cannot connect to ${this.address}: ${error.message}`));
      });
    });
  }

  private onData(connection: Connection, chunk: Uint8Array): void {
    if (this.state.kind !== 'connected' || this.state.connection !== connection) return;
    for (const frame of connection.extractor.push(chunk)) {
      const exchange = this.exchange;
      if (exchange && frame.transactionId === exchange.transactionId) exchange.onFrame(frame.unitId, frame.pdu);
      else this.count.discardedBytes += frame.pdu.length + 7;
    }
    const desync = connection.extractor.desynchronised;
    if (desync !== undefined) {
      this.count.garbled++;
      this.exchange?.fail(new ModbusGarbledError(`${this.address}: ${desync}`));
      connection.socket.destroy();
    }
  }

  private onClosed(connection: Connection): void {
    if (this.state.kind !== 'connected' || this.state.connection !== connection) return;
    this.state = { kind: 'disconnected', retryAtMs: this.clock.now(), failures: 0 };
    this.exchange?.fail(new PortClosedError(`connection to ${this.address} was lost`));
  }
}
