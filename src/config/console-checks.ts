import type { PathIssue } from './issue-path.ts';

type Obj = Readonly<Record<string, unknown>>;

/**
 * Checks of the `console:` section that span fields: at least one place to serve it, operator names
 * unique, and a socket that asks for a login has someone who can log in. Reads the raw document, like
 * the other cross-checks, so a value of the wrong type is left to the schema.
 */
export function checkConsole(value: unknown): PathIssue[] {
  const section = asObject(value);
  if (!section) return [];
  const issues: PathIssue[] = [];
  if (section.socket === undefined && section.serial === undefined) {
    issues.push({ path: ['console'], message: 'serve the console somewhere: add `socket: {}` (a local UNIX socket), `serial: { path: ... }`, or both' });
  }
  const seen = new Map<string, number>();
  const operators = Array.isArray(section.operators) ? section.operators : [];
  for (const [index, item] of operators.entries()) {
    const name = asObject(item)?.name;
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first !== undefined) issues.push({ path: ['console', 'operators', index, 'name'], message: `duplicate operator '${name}' (operators[${first}] has it); give each person their own name` });
    else seen.set(name, index);
  }
  if (asObject(section.socket)?.requireLogin === true && operators.length === 0) {
    issues.push({ path: ['console', 'socket', 'requireLogin'], message: 'requireLogin needs at least one entry in console.operators (make one with `axisguard hash-pin`)' });
  }
  return issues;
}

function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}
