import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAxisguardWithInput } from '../support/spawn-run.ts';

/** Runs the real CLI with stdin a pipe (not a terminal). */
const axisguard = (args: string[]) => runAxisguardWithInput(args);

describe('axisguard bench (CLI)', () => {
  it('runs the demo pickA with --yes --virtual, prints the table and writes bench-pickA-1.json and .svg', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-bench-cli-'));
    const run = await axisguard(['bench', 'pickA', '--yes', '--virtual', '--out', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("axisguard bench: axis 'pickA' (simulated)");
    expect(run.stdout).toContain('completed: 6 of 6 moves');
    expect(run.stdout).toMatch(/^move +from mm +to mm +settle ms +overshoot mm +max ferror mm +rms ferror mm$/m);
    expect(existsSync(join(dir, 'bench-pickA-1.json'))).toBe(true);
    expect(existsSync(join(dir, 'bench-pickA-1.svg'))).toBe(true);
  });

  it('refuses with exit 2 when stdin is not a terminal and --yes is missing, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-bench-cli-'));
    const run = await axisguard(['bench', 'pickA', '--virtual', '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refused: stdin is not a terminal, so nobody can confirm; pass --yes');
    expect(existsSync(join(dir, 'bench-pickA-1.json'))).toBe(false);
  });

  it('refuses --virtual for an axis on a real drive, before opening its port', async () => {
    const run = await axisguard(['bench', 'ax1', join(import.meta.dirname, '../../examples/modbus-line.yaml'), '--yes', '--virtual']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--virtual needs a simulated axis; 'ax1' is on a modbus drive");
  });
});
