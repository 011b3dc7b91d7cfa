import { didYouMean } from './did-you-mean.ts';
import type { PathIssue } from './issue-path.ts';
import { asList, asObject, type Obj } from './raw-values.ts';

/** The raw document's axes by id, with their index in `axes`. */
export type AxisIndex = Map<string, { readonly index: number; readonly axis: Obj }>;

/** The axes by id (first one wins); reports duplicate ids. */
export function indexAxes(value: unknown, issues: PathIssue[]): AxisIndex {
  const axes: AxisIndex = new Map();
  for (const [index, item] of asList(value)) {
    const axis = asObject(item);
    if (!axis || typeof axis.id !== 'string') continue;
    const first = axes.get(axis.id);
    if (first)
      issues.push({
        path: ['axes', index, 'id'],
        message: `duplicate axis id '${axis.id}' (axes[${first.index}] has it); give each axis its own id`,
      });
    else axes.set(axis.id, { index, axis });
  }
  return axes;
}

/** `'x' is not an axis id`, with a suggestion and the known ids. */
export function notAnAxis(id: string, known: readonly string[]): string {
  return `'${id}' is not an axis id${didYouMean(id, known)} (known: ${known.join(', ') || 'none'})`;
}
