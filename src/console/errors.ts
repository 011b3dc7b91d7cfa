import { brandedError, brandGuard } from '../common/branded-error.ts';
/**
 * Console errors, grouped by what the technician must do. Each is answered with one line on the
 * console; none of them has reached a drive.
 * - ConsoleUsageError: the input was malformed, unknown or out of range; the message says what was expected.
 * - ConsoleAccessError: the command needs an operator login on this console.
 * - ConsoleStartError: the console could not be served (socket in use, not a socket, ...); refused at start.
 */

export class ConsoleUsageError extends brandedError('ConsoleUsageError') {}

export class ConsoleAccessError extends brandedError(
  'ConsoleAccessError',
  ['command'],
  (command: string) => `'${command}' needs an operator login on this console; type: login <name>`,
) {}

export class ConsoleStartError extends brandedError('ConsoleStartError') {}

export const isConsoleUsageError = brandGuard<ConsoleUsageError>('isConsoleUsageError');

export const isConsoleAccessError = brandGuard<ConsoleAccessError>('isConsoleAccessError');

export const isConsoleStartError = brandGuard<ConsoleStartError>('isConsoleStartError');
