import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count } from '../docs/wire-types';

/**
 * The worker bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const workerBody = responseBody(
  'Worker',
  z.object({
    name: z.string(),
    pid: count,
    active: count,
    processed: count,
    failed: count,
    requeued: count,
    draining: z.boolean(),
    startedAt: z.iso.datetime(),
    lastHeartbeat: z.iso.datetime().nullable(),
  }),
);

export const workerListBody = responseBody('WorkerList', z.object({ items: z.array(workerBody) }));
