import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, jobRow, page, uuid } from '../docs/wire-types';
import { SuiteStatus, WebhookStatus } from './suite.entity';
import { runBody } from '../runs/run-responses';

/**
 * The suite bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const suiteBody = responseBody(
  'Suite',
  z.object({
    ...jobRow,
    id: uuid,
    name: z.string(),
    status: z.enum(SuiteStatus),
    concurrency: count
      .nullable()
      .meta({ description: 'At most this many of its runs at once (null: as many as the workers take)' }),
    notify: z.array(z.string()).meta({ description: 'Who gets the suite-finished email' }),
    webhookUrl: z.string().nullable(),
    webhookStatus: z.enum(WebhookStatus).nullable(),
    webhookError: z.string().nullable(),
    total: count.meta({ description: 'Its tests (runs)' }),
    passed: count,
    failed: count.meta({ description: 'Runs that ended failed or timed_out' }),
    errored: count.meta({ description: 'Runs that ended error (a platform fault)' }),
    cancelled: count,
    scheduleId: uuid.nullable().meta({ description: 'The schedule whose tick queued it' }),
  }),
);

export const suiteDetailBody = responseBody(
  'SuiteDetail',
  suiteBody.extend({
    runs: z.array(runBody).meta({ description: 'Its runs, in the order of its tests' }),
  }),
);

export const suiteCreatedBody = responseBody(
  'SuiteCreated',
  z.object({
    id: uuid,
    status: z.enum(SuiteStatus),
    total: count,
    runs: z
      .array(z.object({ id: uuid, name: z.string() }))
      .meta({ description: "Each test is a run, in the tests' order" }),
  }),
);

export const suitePageBody = responseBody('SuitePage', page(suiteBody));
