import { z } from 'zod';

/**
 * Building blocks of the request schemas. Messages say what is wrong after the field's
 * name ("must be true or false"); problemLines puts the field's path in front.
 */

/**
 * An object that refuses fields it does not have: each is a line of its own saying
 * `unknownField` ("is not a field of a run"). `notAnObject` is said when it is no object.
 */
export const closedObject = <Shape extends z.ZodRawShape>(shape: Shape, unknownField: string, notAnObject: string) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownField : notAnObject) });

/** A field that may be left out; null means the same (GraphQL sends null for a nullable field left empty). */
export const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);

/**
 * An optional field with the value it takes when left out. Not a JSON Schema `default`:
 * client generators would then make the field required in the body they type.
 */
export const withDefault = <T extends z.ZodType>(schema: T, value: z.output<T>) =>
  schema.nullish().transform((given): z.output<T> => given ?? value);

/** A whole number in [min, max]; every way of missing it says the same `message`. */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.int({ error: message }).min(min, { error: message }).max(max, { error: message });

/** The default priority of a job whose request gives none. */
export const DEFAULT_PRIORITY = 5;

/** A job's priority, 1 (most urgent) to 10, DEFAULT_PRIORITY when left out. */
export const priorityField = () =>
  withDefault(wholeNumber(1, 10, 'must be a whole number from 1 (most urgent) to 10'), DEFAULT_PRIORITY);

/** true or false. */
export const flag = () => z.boolean({ error: 'must be true or false' });

/** An absolute http or https URL. */
export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** An absolute http or https URL of at most `max` characters. */
export const httpUrl = (max: number) =>
  z
    .string({ error: 'must be an http or https URL' })
    .refine(isHttpUrl, { error: 'must be an http or https URL', abort: true })
    .max(max, { error: `must be at most ${max} characters` });

/** A required name: non-blank, at most `max` characters, trimmed. */
export const requiredName = (max: number, message: string) =>
  z
    .string({ error: message })
    .refine((name) => name.trim() !== '', { error: message, abort: true })
    .max(max, { error: `must be at most ${max} characters` })
    .transform((name) => name.trim());

/** One message for every way a value can be wrong (an enum whose message names the choices). */
export const oneOf = <const T extends readonly [string, ...string[]]>(
  values: T,
  message: string | ((given: unknown) => string),
) => z.enum(values, { error: (issue) => (typeof message === 'string' ? message : message(issue.input)) });

/** `(got "teleport")` after a message, when what was given is a string. */
export const gotText = (given: unknown) => (typeof given === 'string' ? ` (got "${given}")` : '');

/** Memoises a schema built from limits (configuration): built once per distinct limits. */
export function schemaForLimits<L, S>(build: (limits: L) => S): (limits: L) => S {
  const built = new Map<string, S>();
  return (limits) => {
    const key = JSON.stringify(limits);
    let schema = built.get(key);
    if (!schema) built.set(key, (schema = build(limits)));
    return schema;
  };
}
