import * as z from 'zod';
import { didYouMean } from './did-you-mean.ts';
import type { PathIssue } from './issue-path.ts';

/**
 * z.strictObject whose unknown-key issue names each key and the key probably meant. Zod reports all
 * unknown keys of one object as one issue; its message holds one line per key, in key order, which
 * toPathIssues splits back into one issue per key.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `unknown key '${key}'${didYouMean(key, known)}; known keys: ${known.join(', ')}`).join('\n')
        : undefined,
  });
}

/**
 * Error map for the whole parse: a missing key says so instead of "received undefined", and an
 * unknown `type`/`kind` names the value given and the ones allowed.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing (expected ${issue.expected})`;
  const options: unknown = 'options' in issue ? issue.options : undefined;
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && Array.isArray(options)) {
    const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    const allowed = options.map(String).join(', ');
    return given === undefined
      ? `missing ${issue.discriminator} (one of: ${allowed})`
      : `unknown ${issue.discriminator} ${JSON.stringify(given)} (one of: ${allowed})`;
  }
  return undefined;
};

/** Zod's issues as path issues, one per unknown key. */
export function toPathIssues(issues: readonly z.core.$ZodIssue[]): PathIssue[] {
  return issues.flatMap((issue): PathIssue[] => {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    const messages = issue.message.split('\n');
    return issue.keys.map((key, i) => ({ path: [...path, key], message: messages[i] ?? `unknown key '${key}'` }));
  });
}
