import type { PathIssue } from './issue-path.ts';
import { asList, asObject } from './raw-values.ts';

/** The console is served somewhere, operator names are unique, a socket that asks for a login has operators. */
export function checkConsole(value: unknown, issues: PathIssue[]): void {
  const section = asObject(value);
  if (!section) return;
  if (section.socket === undefined && section.serial === undefined) {
    issues.push({
      path: ['console'],
      message: 'serve the console somewhere: add `socket: {}` (a local UNIX socket), `serial: { path: ... }`, or both',
    });
  }
  const seen = new Map<string, number>();
  const operators = asList(section.operators);
  for (const [index, item] of operators) {
    const name = asObject(item)?.name;
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first !== undefined)
      issues.push({
        path: ['console', 'operators', index, 'name'],
        message: `duplicate operator '${name}' (operators[${first}] has it); give each person their own name`,
      });
    else seen.set(name, index);
  }
  if (asObject(section.socket)?.requireLogin === true && operators.length === 0) {
    issues.push({
      path: ['console', 'socket', 'requireLogin'],
      message: 'requireLogin needs at least one entry in console.operators (make one with `axisguard hash-pin`)',
    });
  }
}
