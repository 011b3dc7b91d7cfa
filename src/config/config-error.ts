import { brandedError, brandGuard } from '../common/branded-error.ts';
/** One thing wrong with a config, where it is and how to fix it. */
export interface ConfigIssue {
  /** Where in the document, e.g. `axes[1].fallback`; empty for the whole file (syntax, unreadable). */
  readonly path: string;
  /** What is wrong, phrased so that it names the fix. */
  readonly message: string;
  /** 1-based line in the source text, when known. */
  readonly line?: number;
  /** 1-based column in the source text, when known. */
  readonly column?: number;
}

/** How many problems a refusal lists; the rest are counted. A file with thousands of bad entries is one mistake repeated. */
export const MAX_LISTED_ISSUES = 50;

/**
 * A config refused at start. Carries every issue found in one go (field errors and cross-field
 * errors together), so a technician fixes the file once instead of once per run; its text lists
 * the first MAX_LISTED_ISSUES of them and counts the rest. `source` is the file name (or other
 * label) the text came from.
 */
export class ConfigError extends brandedError(
  'ConfigError',
  ['source', 'issues'],
  (source: string, issues: readonly ConfigIssue[]) =>
    `${source}: config refused, ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}:\n${formatIssues(source, issues)}`,
) {
  /** One line per issue: `source:line:column: path: message`. */
  format(): string {
    return formatIssues(this.source, this.issues);
  }
}

export const isConfigError = brandGuard<ConfigError>('isConfigError');

function formatIssues(source: string, issues: readonly ConfigIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const where = issue.line === undefined ? source : `${source}:${issue.line}:${issue.column ?? 1}`;
    return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
  });
  const more = issues.length - listed.length;
  if (more > 0)
    listed.push(`${source}: ... and ${more} more ${more === 1 ? 'problem' : 'problems'} (fix the ones above first; they often repeat)`);
  return listed.join('\n');
}
