import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, jsonObject, page, uuid } from '../docs/wire-types';

/**
 * The dead letter bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const deadLetterBody = responseBody(
  'DeadLetter',
  z.object({
    id: uuid,
    queue: z.string(),
    jobId: z.string().meta({ description: 'The BullMQ job id: the run, scrape or email id' }),
    jobName: z.string(),
    data: jsonObject("The job's data"),
    error: z.string(),
    stack: z.string().nullable(),
    attempts: count,
    failedAt: dateTime,
    replayedAt: dateTime.nullable(),
  }),
);

export const deadLetterPageBody = responseBody('DeadLetterPage', page(deadLetterBody));
