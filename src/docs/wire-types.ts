import { z } from 'zod';

/**
 * Building blocks of the response schemas. Each is typed as the code holds the value
 * (z.output: a Date) and documented as it goes over the wire (z.input: what JSON.stringify
 * makes of it), so a controller typed with z.output checks against the document.
 */

/** A Date in the code, an ISO 8601 string on the wire. */
export const dateTime = z.codec(z.iso.datetime(), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

export const uuid = z.uuid();

/** Whole numbers (counts, durations in ms). */
export const count = z.number().int();

/**
 * A JSON object whose shape another part of the document describes (a definition as
 * accepted, template variables): `unknown` to the type checker, an object to clients.
 */
export const jsonObject = (description: string) => z.unknown().meta({ type: 'object', description });

export const timestamps = { createdAt: dateTime, updatedAt: dateTime };

/** The columns every queued row (run, suite, scrape) carries. */
export const jobRow = {
  ...timestamps,
  priority: count,
  attempt: count.meta({ description: 'How many times a worker started it' }),
  worker: z.string().nullable().meta({ description: 'The worker that ran it last' }),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  durationMs: count.nullable(),
};

/** A page of a list: its items and the cursor of the next. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as ?cursor= for the next page; null on the last page' }),
  });
