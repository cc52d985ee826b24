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
