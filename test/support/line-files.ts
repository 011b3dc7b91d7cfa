import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory holding a line config of `yamlLines` (line.yaml) and the path for its journal (journal.jsonl, not created). */
export function lineFiles(prefix: string, yamlLines: readonly string[]): { readonly config: string; readonly journalPath: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = join(dir, 'line.yaml');
  writeFileSync(config, yamlLines.join('\n'));
  return { config, journalPath: join(dir, 'journal.jsonl') };
}
