import { z } from 'zod';
import { FIELD } from '../validation/problem-lines';
import { closedObject } from '../validation/request-fields';

/** A query string's schema: a parameter it does not have is refused. */
export const queryObject = <Shape extends z.ZodRawShape>(shape: Shape) =>
  closedObject(shape, `property ${FIELD} should not exist`, 'the query must be name=value pairs');

/** `?limit=`: a whole number from 1 to `max`; 20 when left out (the lists apply the default). */
export const pageLimitField = (max: number) => {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .optional()
    .meta({ description: `Page size, 1 to ${max} (default 20)` });
};

export const pageCursorField = z
  .string({ error: 'must be a string' })
  .optional()
  .meta({ description: 'nextCursor of the previous page' });

/** `?limit=&cursor=` of every newest-first list (runs, suites, schedules, dead letters). */
export const cursorPageFields = { limit: pageLimitField(100), cursor: pageCursorField };

export const cursorPageQuerySchema = queryObject(cursorPageFields);
