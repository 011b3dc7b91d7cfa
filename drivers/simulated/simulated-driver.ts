import type { Clock } from '../../src/common/clock.ts';
import { withDeadline } from '../../src/common/deadline.ts';
import { assertNever } from '../../src/common/never.ts';
import { isModbusGarbledError } from '../../protocols/errors.ts';
import type { AxisDriver, CallOptions, DriveStatus, MoveCommand } from '../contract.ts';
import { LinkStats } from '../link-stats.ts';
import { ExchangeRetry } from '../exchange-retry.ts';
import { DriveCommError, DriveFaultError } from '../errors.ts';
import type { EndpointReply, SimulatedDriveEndpoint } from './endpoint.ts';
import { requireFinite } from '../../src/common/require-finite.ts';

type Operation = Exclude<keyof AxisDriver, 'family' | 'close'>;

/**
 * AxisDriver over an in-process simulated drive. Every call settles by its deadline: no answer by
 * then rejects with DriveCommError 'timeout'. A refusal because of a latched alarm rejects with
 * DriveFaultError; moveTo refused on a disabled drive rejects with DriveCommError 'exception', as a
 * Modbus drive's exception response would. Bad arguments reject with TypeError or RangeError.
 */
export class SimulatedDriver implements AxisDriver {
  readonly family = 'simulated';
  readonly link: LinkStats;
  private readonly retry: ExchangeRetry;
  private closed = false;

  constructor(
    private readonly endpoint: SimulatedDriveEndpoint,
    private readonly clock: Clock,
    /**
     * Retries of a status read whose answer came corrupt, when the deadline still covers `budgetMs`
     * (the drive's answer time plus slack). Commands are never repeated: each is one request that
     * also starts what it commands, as the control-word edge does on a Modbus drive.
     */
    private readonly retryPolicy: { readonly maxRetries: number; readonly budgetMs: number } = { maxRetries: 0, budgetMs: 0 },
  ) {
    this.retry = new ExchangeRetry(clock, retryPolicy.maxRetries);
    this.link = new LinkStats(this.retry.retries);
  }

  readStatus(options: CallOptions): Promise<DriveStatus> {
    return this.call('readStatus', options, () =>
      this.retry.run(
        () => this.timedRead(),
        true,
        options.deadlineMs,
        () => this.retryPolicy.budgetMs,
      ),
    );
  }

  /** One status read, its answer time noted (in process there is no bus to wait for). */
  private async timedRead(): Promise<DriveStatus> {
    const sentAtMs = this.clock.now();
    const status = await this.endpoint.readStatus();
    this.link.lastReadMs = this.clock.now() - sentAtMs;
    return status;
  }

  async moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    requireFinite('targetMm', command.targetMm);
    requireFinite('speedMmPerS', command.speedMmPerS);
    if (command.speedMmPerS <= 0) throw new RangeError(`speedMmPerS must be > 0, got ${command.speedMmPerS}`);
    await this.command('moveTo', options, () => this.endpoint.moveTo(command.targetMm, command.speedMmPerS));
  }

  async hold(options: CallOptions): Promise<void> {
    await this.command('hold', options, () => this.endpoint.hold());
  }

  async enable(options: CallOptions): Promise<void> {
    await this.command('enable', options, () => this.endpoint.enable());
  }

  async disable(options: CallOptions): Promise<void> {
    await this.command('disable', options, () => this.endpoint.disable());
  }

  async resetAlarm(options: CallOptions): Promise<void> {
    await this.command('resetAlarm', options, () => this.endpoint.resetAlarm());
  }

  /** After close, every call rejects with DriveCommError 'port_lost'. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private async command(operation: Operation, options: CallOptions, send: () => Promise<EndpointReply>): Promise<void> {
    const reply = await this.call(operation, options, send);
    if (reply.ok) return;
    const axis = this.endpoint.name;
    switch (reply.reason) {
      case 'alarm':
        throw new DriveFaultError(reply.alarmCode, `${axis}: ${operation} refused, alarm ${reply.alarmCode} latched`);
      case 'not_enabled':
        throw new DriveCommError('exception', `${axis}: ${operation} refused, power stage disabled`);
      default:
        assertNever(reply, 'reply');
    }
  }

  /**
   * Not async, though it must reject rather than throw: every status read of every axis comes
   * through here, and an async function's frame and promise cost more than the call itself.
   */
  private call<T>(operation: Operation, options: CallOptions, send: () => Promise<T>): Promise<T> {
    const axis = this.endpoint.name;
    try {
      requireFinite('deadlineMs', options.deadlineMs);
      if (this.closed) throw new DriveCommError('port_lost', `${axis}: ${operation} on a closed driver`);
      const answered = withDeadline(
        this.clock,
        send(),
        options.deadlineMs,
        () => new DriveCommError('timeout', `${axis}: no answer to ${operation} by its deadline (t=${options.deadlineMs.toFixed(1)} ms)`),
      );
      return answered.catch((error: unknown) => {
        throw isModbusGarbledError(error) ? new DriveCommError('garbled', `${axis}: ${operation}: ${error.message}`) : error;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
