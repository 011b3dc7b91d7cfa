import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/index.ts';
import { refusalLines } from './support/refusal.ts';

const AXES = 'axes: [{ id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 10, maxSpeedMmPerS: 5, maxAccelMmPerS2: 50 } }]\n';
const journal = (fields: string) => parseConfig(`journal: { path: j.jsonl${fields} }\n${AXES}`, 'test.yaml').journal;

describe('journal config section', () => {
  it('bounds the journal at 16 MiB and 5 rotated files unless told otherwise', () => {
    expect(journal('')).toEqual({ path: 'j.jsonl', maxBytes: 16 * 1024 * 1024, keepFiles: 5 });
  });

  it('takes maxBytes from 64 KiB to 1 GiB and keepFiles from 1 to 100', () => {
    expect(journal(', maxBytes: 65536, keepFiles: 1')).toEqual({ path: 'j.jsonl', maxBytes: 65536, keepFiles: 1 });
    expect(journal(', maxBytes: 1073741824, keepFiles: 100')).toEqual({ path: 'j.jsonl', maxBytes: 1073741824, keepFiles: 100 });
  });

  it('refuses a maxBytes or keepFiles out of bounds, naming the field, its range and the default', () => {
    for (const [fields, field] of [
      [', maxBytes: 65535', 'maxBytes'],
      [', maxBytes: 1073741825', 'maxBytes'],
      [', maxBytes: 100000.5', 'maxBytes'],
      [', maxBytes: "16MiB"', 'maxBytes'],
      [', keepFiles: 0', 'keepFiles'],
      [', keepFiles: 101', 'keepFiles'],
      [', keepFiles: 2.5', 'keepFiles'],
    ] as const) {
      const expected =
        field === 'maxBytes'
          ? 'journal.maxBytes: maxBytes must be a whole number of bytes from 65536 (64 KiB) to 1073741824 (1 GiB); leave it out for 16777216 (16 MiB)'
          : 'journal.keepFiles: keepFiles must be a whole number from 1 to 100 (rotated files kept); leave it out for 5';
      expect(refusalLines(`journal: { path: j.jsonl${fields} }\n${AXES}`), fields).toEqual([expected]);
    }
  });

  it('refuses both at once, and a misspelt key with a suggestion', () => {
    expect(refusalLines(`journal: { path: j.jsonl, maxBytes: 0, keepFiles: -1, keepFile: 3 }\n${AXES}`)).toEqual([
      expect.stringMatching(/^journal\.maxBytes: maxBytes must be/),
      expect.stringMatching(/^journal\.keepFiles: keepFiles must be/),
      expect.stringMatching(/^journal\.keepFile: unknown key 'keepFile' \(did you mean 'keepFiles'\?\)/),
    ]);
  });

  it('keeps maxBytes and keepFiles when it resolves the path against the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'axisguard-config-'));
    try {
      const path = join(dir, 'line.yaml');
      await writeFile(path, `journal: { path: ./journal.jsonl, maxBytes: 1048576, keepFiles: 3 }\n${AXES}`);
      await expect(loadConfigFile(path)).resolves.toMatchObject({
        journal: { path: join(dir, 'journal.jsonl'), maxBytes: 1048576, keepFiles: 3 },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
