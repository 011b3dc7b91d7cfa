/** A location in the parsed document: object keys and array indexes, outermost first. */
export type DocPath = readonly (string | number)[];

/** An issue before it is placed in the source text. */
export interface PathIssue {
  readonly path: DocPath;
  readonly message: string;
}

/** `['axes', 1, 'fallback']` → `axes[1].fallback`; keys that are not plain names are quoted. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
