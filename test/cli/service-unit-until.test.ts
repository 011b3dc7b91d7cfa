import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_CONFIG, EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';

const unit = readFileSync(join(import.meta.dirname, '../../hardware/systemd/axisguard.service'), 'utf8');
const setting = (key: string) => unit.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];

describe('the systemd unit and the run outcomes', () => {
  it('runs as a service that never ends by itself (--until never)', () => {
    expect(setting('ExecStart')).toMatch(/ run .* --until never(\s|$)/);
  });

  it('takes exit code 3 (work not done) as success and does not restart a bad config (2)', () => {
    expect(setting('SuccessExitStatus')?.split(/\s+/)).toContain(String(EXIT_INCOMPLETE));
    expect(setting('RestartPreventExitStatus')?.split(/\s+/)).toContain(String(EXIT_BAD_CONFIG));
  });
});
