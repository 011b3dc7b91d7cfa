import { disposableOnce, type Disposable } from '../common/disposable.ts';
import type { FatalSource } from '../events/events.ts';

/**
 * Catches what would otherwise kill the process on the spot, without holding anything: an
 * exception no code caught (a throw in a timer or an I/O callback) and a rejected promise nobody
 * handled. `onCrash` decides what follows (for `axisguard run`: record it, hold every axis, exit
 * non-zero). Installing a handler replaces Node's own exit, so `onCrash` must end the process
 * itself, boundedly. Dispose to uninstall.
 */
export function catchProcessCrashes(onCrash: (source: FatalSource, error: unknown) => void): Disposable {
  const onException = (error: Error) => onCrash('uncaughtException', error);
  const onRejection = (reason: unknown) => onCrash('unhandledRejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return disposableOnce(() => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  });
}
