import { createRequire } from 'node:module';
import type { IoPlugin } from 'johnny-five';
import type five from 'johnny-five';
import { brandedError, brandGuard } from '../../src/common/branded-error.ts';

/** johnny-five's default export: the Board and Servo constructors. */
export type JohnnyFive = typeof five;

/** johnny-five, loaded, and a way to reach a board through it. */
export interface JohnnyFiveRuntime {
  readonly five: JohnnyFive;
  /** A new IO plugin for the board on `port` (a serial device); it opens the port by itself. */
  openIo(port: string): IoPlugin;
}

/** Loads johnny-five when a line has hobby servos; rejects with JohnnyFiveUnavailableError when it cannot. */
export type LoadJohnnyFive = () => Promise<JohnnyFiveRuntime>;

/**
 * johnny-five (an optional dependency) or its Firmata IO plugin cannot be loaded. An installation
 * problem, raised when a line with hobby servos opens its boards; a refusal at start.
 */
export class JohnnyFiveUnavailableError extends brandedError('JohnnyFiveUnavailableError') {}

export const isJohnnyFiveUnavailableError = brandGuard<JohnnyFiveUnavailableError>('isJohnnyFiveUnavailableError');

type FirmataConstructor = new (port: string) => IoPlugin;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The real runtime: johnny-five by dynamic import (nothing is loaded until a line with hobby servos
 * opens its boards), and Firmata over a serial port as each board's IO plugin. Firmata is resolved
 * from johnny-five's own folder, as johnny-five itself does (`require("firmata")`), so whichever copy
 * npm installed for it is used. `specifier` is for tests.
 */
export async function loadJohnnyFive(specifier = 'johnny-five'): Promise<JohnnyFiveRuntime> {
  let loaded: { readonly default: JohnnyFive };
  try {
    loaded = (await import(specifier)) as { readonly default: JohnnyFive };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && describe(error).includes(`'${specifier}'`)) {
      throw new JohnnyFiveUnavailableError(`${specifier} is not installed: npm install ${specifier}`);
    }
    throw error;
  }
  let Firmata: FirmataConstructor;
  try {
    const fromFive = createRequire(createRequire(import.meta.url).resolve(specifier));
    Firmata = fromFive('firmata') as FirmataConstructor;
  } catch (error) {
    throw new JohnnyFiveUnavailableError(
      `johnny-five's Firmata IO plugin (firmata, serialport 8) failed to load: ${describe(error)}; reinstall johnny-five`,
    );
  }
  return { five: loaded.default, openIo: (port) => new Firmata(port) };
}
