import type { ConsoleOperatorConfig } from '../config/index.ts';
import type { ConsoleServices } from './commands/command.ts';
import { ConsoleUsageError } from './errors.ts';
import { verifyPin } from './pin-hash.ts';

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/**
 * The operator logged in on one session: the PIN check, with the host-wide rate limit, and the
 * console_login / console_logout events that journal every attempt.
 */
export class SessionLogin {
  private current: string | undefined;

  constructor(
    private readonly services: ConsoleServices,
    private readonly operators: readonly ConsoleOperatorConfig[],
    private readonly session: string,
  ) {}

  get operator(): string | undefined {
    return this.current;
  }

  /** Throws a ConsoleUsageError when a login cannot start now (nobody configured, logged in, locked). */
  assertCanBegin(name: string): void {
    if (this.operators.length === 0)
      throw new ConsoleUsageError('no operators are configured (console.operators; make an entry with axisguard hash-pin)');
    if (this.current) throw new ConsoleUsageError(`logged in as ${this.current}; logout first`);
    this.assertNotLocked(name);
  }

  /** Checks the PIN; resolves with the welcome line or rejects with a ConsoleUsageError (wrong, locked). */
  async login(name: string, pin: string): Promise<string> {
    this.assertNotLocked(name);
    const operator = this.operators.find((o) => o.name === name);
    const ok = await verifyPin(pin, operator?.pinHash);
    const { logins } = this.services;
    if (!ok) {
      const failures = logins.failed();
      this.emitLogin(name, 'refused');
      throw new ConsoleUsageError(
        `wrong operator name or PIN (${failures} in a row); the next login is possible in ${seconds(logins.lockedForMs())} s`,
      );
    }
    logins.succeeded();
    this.current = name;
    this.emitLogin(name, 'ok');
    return `logged in as ${name}`;
  }

  /** Logs out, if logged in; returns who was. */
  logout(reason: 'command' | 'idle' | 'closed'): string | undefined {
    const name = this.current;
    if (name === undefined) return undefined;
    this.current = undefined;
    this.services.emit({ type: 'console_logout', atMs: this.services.clock.now(), session: this.session, operator: name, reason });
    return name;
  }

  private assertNotLocked(name: string): void {
    const { logins } = this.services;
    const lockedMs = logins.lockedForMs();
    if (lockedMs === 0) return;
    this.emitLogin(name, 'locked');
    throw new ConsoleUsageError(`login locked for ${seconds(lockedMs)} s more after ${logins.failuresInARow} wrong PINs`);
  }

  private emitLogin(name: string, outcome: 'ok' | 'refused' | 'locked'): void {
    const { clock, emit, logins } = this.services;
    // The name as typed, made safe to print: it may be anything.
    const operator = name.replace(/[^\x21-\x7e]/g, '?').slice(0, 32);
    emit({ type: 'console_login', atMs: clock.now(), session: this.session, operator, outcome, failures: logins.failuresInARow });
  }
}
