import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { crossCheck } from './cross-checks.ts';
import { formatPath, type DocPath, type PathIssue } from './issue-path.ts';
import { resolveConfig } from './resolve.ts';
import { ConfigSchema } from './schema.ts';
import type { Config } from './types.ts';
import { configErrorMap, toPathIssues } from './zod-issues.ts';

/**
 * The largest config accepted, bytes. A line of hundreds of axes is a few hundred kB; past this,
 * parsing and checking would hold up the start for seconds, so the file is refused at once.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const tooLarge = (source: string, bytes: number): ConfigError =>
  new ConfigError(source, [
    {
      path: '',
      message: `the config is ${bytes} bytes, over the ${MAX_CONFIG_BYTES}-byte limit (1 MiB); split the line over several controllers, or remove what is repeated`,
    },
  ]);

/**
 * Parses, validates and resolves a config given as YAML or JSON text (JSON is read as YAML 1.2, of
 * which it is a subset). `source` names the text in messages, usually its file name. A journal path
 * is returned as written. Throws ConfigError listing every issue, each with its line when it has one.
 */
export function parseConfig(text: string, source: string): Config {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES) throw tooLarge(source, bytes);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: '', message: `YAML syntax error: ${e.message}`, ...at(e.pos[0]) })),
    );
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // e.g. an alias bomb beyond yaml's maxAliasCount
    throw new ConfigError(source, [{ path: '', message: `cannot read the document: ${(error as Error).message}` }]);
  }
  const parsed = ConfigSchema.safeParse(data, { error: configErrorMap });
  const issues = [...(parsed.success ? [] : toPathIssues(parsed.error.issues)), ...crossCheck(data)];
  if (issues.length > 0 || !parsed.success) {
    throw new ConfigError(source, inDocumentOrder(issues.map((issue) => placed(issue, doc, at))));
  }
  return resolveConfig(parsed.data);
}

/**
 * Reads and parses a config file; a relative `journal.path` or `console.socket.path` is resolved
 * against the file's folder, so the file lands next to the config whatever the working directory.
 * Throws ConfigError, also when the file cannot be read.
 */
export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    // Refused before it is read: a huge file is not worth the memory or the time.
    const { size } = await stat(path);
    if (size > MAX_CONFIG_BYTES) throw tooLarge(path, size);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file: ${(error as Error).message}` }]);
  }
  const config = parseConfig(text, path);
  const folder = dirname(path);
  const socket = config.console?.socket;
  return {
    ...config,
    journal: config.journal && { ...config.journal, path: resolve(folder, config.journal.path) },
    console: config.console && { ...config.console, socket: socket && { ...socket, path: resolve(folder, socket.path) } },
  };
}

type Placed = ConfigIssue & { readonly offset: number | undefined };

function placed(issue: PathIssue, doc: Document, at: (offset: number | undefined) => Partial<ConfigIssue>): Placed {
  const offset = offsetOf(doc, issue.path);
  return { path: formatPath(issue.path), message: issue.message, ...at(offset), offset };
}

/** Sorts by position in the text (stable, so zod's order holds within one node), then drops the offset. */
function inDocumentOrder(issues: readonly Placed[]): ConfigIssue[] {
  return [...issues]
    .sort((a, b) => (a.offset ?? Number.POSITIVE_INFINITY) - (b.offset ?? Number.POSITIVE_INFINITY))
    .map(({ offset: _offset, ...issue }) => issue);
}

/**
 * Where the deepest existing node on `path` starts: the key for a map entry (so a missing or wrong
 * value points at its key), the item for a sequence entry, the enclosing node for a missing key.
 */
function offsetOf(doc: Document, path: DocPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      if (isNode(pair.key)) offset = pair.key.range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!isNode(node)) break;
      offset = node.range?.[0];
    } else break;
  }
  return offset;
}
