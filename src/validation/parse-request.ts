import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { fallbackProblem } from './fallback-problem';
import { problemLines } from './problem-lines';

/** A request checked against its schema: the parsed value, or every problem (one line each). */
export type RequestCheck<T> = { data: T; errors: [] } | { data?: undefined; errors: string[] };

/** Checks `input` against a request schema without throwing (a caller that adds problems of its own). */
export function checkRequest<S extends z.ZodType>(schema: S, input: unknown): RequestCheck<z.output<S>> {
  const result = schema.safeParse(input, { error: fallbackProblem });
  if (result.success) return { data: result.data, errors: [] };
  return { errors: problemLines(result.error.issues) };
}

/** The parsed request, or a 400 whose `message` lists every problem by field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const { data, errors } = checkRequest(schema, input);
  if (errors.length) throw new BadRequestException(errors);
  return data as z.output<S>;
}
