import type { z } from 'zod';

/** Where a message puts the field's path when the path does not simply come first. */
export const FIELD = '{field}';

/** `steps[2].selector`: a field's path as the 400 messages name it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** One line: the field's path, then what is wrong with it ("steps[2].selector is required for click"). */
function lineOf(path: readonly PropertyKey[], message: string): string {
  const field = fieldPath(path);
  if (message.includes(FIELD)) return message.replaceAll(FIELD, field);
  return field ? `${field} ${message}` : message;
}

/**
 * The `message` of a 400: one line per problem, each naming its field. A closed object's
 * unknown fields are a line each; the body's own come first, since a misspelt field is
 * often why a required one is missing. A problem zod reports twice is said once.
 */
export function problemLines(issues: readonly z.core.$ZodIssue[]): string[] {
  const isStrayField = (issue: z.core.$ZodIssue) => issue.code === 'unrecognized_keys' && issue.path.length === 0;
  const ordered = [...issues.filter(isStrayField), ...issues.filter((issue) => !isStrayField(issue))];
  const lines = ordered.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => lineOf([...issue.path, key], issue.message))
      : [lineOf(issue.path, issue.message)],
  );
  return [...new Set(lines)];
}
