import { rm, symlink } from 'node:fs/promises';
import { openPtyPair, type PtyPair } from '../../protocols/support/pty-pair.ts';

/**
 * A USB-RS485 adapter that can be pulled out and plugged back in, made of socat pty pairs. The master
 * opens `devicePath`, a symlink like the one udev makes for an adapter (hardware/udev,
 * /dev/rs485-line1): while plugged in it points at the master's end of a pty pair; while unplugged it
 * does not exist, and the pair's socat is gone, so its pty devices have vanished too.
 *
 * Each plug-in uses a pair made beforehand with `prepare`, whose other end the drives attach to: on a
 * 2-core machine, starting socat and a Node process while axes are timed starves their deadlines.
 */
export class UsbAdapter {
  private readonly prepared: PtyPair[] = [];
  private plugged: PtyPair | undefined;

  constructor(readonly devicePath: string) {}

  /** Makes the pty pair of a later plug-in and returns the drives' end of it. Pairs are plugged in in the order made: await each call before the next. */
  async prepare(): Promise<string> {
    const pair = await openPtyPair();
    this.prepared.push(pair);
    return pair.pathB;
  }

  /** Plugs in the oldest prepared pair: `devicePath` appears, pointing at the master's end. */
  async plugIn(): Promise<void> {
    if (this.plugged) throw new Error(`${this.devicePath} is already plugged in`);
    const pair = this.prepared.shift();
    if (!pair) throw new Error(`no pty pair prepared for ${this.devicePath}`);
    this.plugged = pair;
    await symlink(pair.pathA, this.devicePath);
  }

  /** Pulls it out: socat dies, so both pty devices vanish under whoever holds them open; then the link goes, as udev removes it. */
  async unplug(): Promise<void> {
    const pair = this.plugged;
    this.plugged = undefined;
    await pair?.close();
    await rm(this.devicePath, { force: true });
  }

  /** Unplugs and closes the pairs never plugged in. Safe to call twice. */
  async dispose(): Promise<void> {
    await this.unplug();
    for (const pair of this.prepared.splice(0)) await pair.close();
  }
}
