import { isConfigError, parseConfig, type ConfigError } from '../../../src/config/index.ts';

/** Parses `text` expecting it to be refused, and returns the refusal; a config that is accepted fails the test. */
export function refusal(text: string): ConfigError {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

/** The refusal's issues as `path: message` lines. */
export const refusalLines = (text: string): string[] => refusal(text).issues.map(({ path, message }) => `${path}: ${message}`);
