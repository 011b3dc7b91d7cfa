import { isConfigError, parseConfig, type ConfigError } from '../../../src/config/index.ts';
import { thrownBy } from '../../support/refused.ts';

/** Parses `text` expecting it to be refused, and returns the refusal; a config that is accepted fails the test. */
export const refusal = (text: string): ConfigError =>
  thrownBy(() => parseConfig(text, 'test.yaml'), isConfigError, 'expected the config to be refused');

/** The refusal's issues as `path: message` lines. */
export const refusalLines = (text: string): string[] => refusal(text).issues.map(({ path, message }) => `${path}: ${message}`);
