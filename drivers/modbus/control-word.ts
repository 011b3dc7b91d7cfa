import type { ControlCommand } from './control-scheme.ts';
import type { UnitIo } from './unit-channel.ts';

/**
 * The shadow of a drive's control word: what this driver last wrote, so that level bits (enable,
 * hold / CiA 402 command bits, halt) and edge bits (start, alarm reset / new set-point, fault reset)
 * compose across commands. Edge bits stay high after the write that raises them until the next
 * write, which drops them; raising a bit that is still high first writes it low, so every edge is a
 * real rising edge. The shadow is unknown at first and after a failed write (the drive may or may
 * not have taken it); it is then read back from the drive before the next write.
 */
export class ControlWord {
  private word: number | undefined;

  constructor(
    private readonly address: number,
    /** The bits that act on a rising edge. */
    private readonly edgeBits: number,
  ) {}

  /** The word last written or read back; undefined while unknown. */
  get known(): number | undefined {
    return this.word;
  }

  /** Writes `command` (1 to 3 exchanges; run it in one bus slot so nothing comes between them). */
  async apply(io: UnitIo, command: ControlCommand): Promise<void> {
    try {
      let word = this.word ?? (await io.read(this.address, 1))[0]!;
      this.word = word;
      if ((word & command.raise) !== 0) {
        word &= ~command.raise;
        await io.write(this.address, [word]);
        this.word = word;
      }
      const next = (command.change(word & ~this.edgeBits) | command.raise) & 0xffff;
      await io.write(this.address, [next]);
      this.word = next;
    } catch (error) {
      this.word = undefined;
      throw error;
    }
  }
}
