import type { Clock } from '../common/clock.ts';

export interface LoginGuardOptions {
  /** Lockout after the first wrong PIN, ms; it doubles with each further one. Default 1000. */
  readonly baseDelayMs?: number;
  /** Longest lockout, ms. Default 60 000. */
  readonly maxDelayMs?: number;
}

/**
 * Rate limit on PIN guesses, shared by every session of one console host (so a new session does not
 * start afresh). After `k` wrong PINs in a row no login is accepted for `base * 2^(k-1)` ms (capped);
 * a correct one clears the count.
 */
export class LoginGuard {
  private failures = 0;
  private lockedUntilMs = Number.NEGATIVE_INFINITY;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly clock: Clock,
    options: LoginGuardOptions = {},
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
  }

  /** Wrong PINs in a row so far. */
  get failuresInARow(): number {
    return this.failures;
  }

  /** How long, ms, until a login may be tried again; 0 when it may be tried now. */
  lockedForMs(): number {
    return Math.max(0, this.lockedUntilMs - this.clock.now());
  }

  /** Counts a wrong PIN and starts the next, longer lockout. Returns the wrong PINs in a row. */
  failed(): number {
    this.failures++;
    this.lockedUntilMs = this.clock.now() + Math.min(this.baseDelayMs * 2 ** (this.failures - 1), this.maxDelayMs);
    return this.failures;
  }

  succeeded(): void {
    this.failures = 0;
    this.lockedUntilMs = Number.NEGATIVE_INFINITY;
  }
}
