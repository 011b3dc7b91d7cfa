/** The outcomes of the last `size` calls, oldest dropped first (a count-based sliding window). */
export class OutcomeWindow {
  private readonly failed: boolean[] = [];
  private next = 0;
  private failures = 0;

  constructor(private readonly size: number) {}

  /** Number of calls held, at most `size`. */
  get calls(): number {
    return this.failed.length;
  }

  /** Failed share of the calls held, 0 when empty. */
  get failureRatio(): number {
    return this.failed.length === 0 ? 0 : this.failures / this.failed.length;
  }

  record(failed: boolean): void {
    if (this.failed.length === this.size && this.failed[this.next]) this.failures--;
    if (failed) this.failures++;
    this.failed[this.next] = failed;
    this.next = (this.next + 1) % this.size;
  }
}
