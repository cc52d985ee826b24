import { z } from 'zod';
import { EmailStatus } from '../emails/email.entity';
import { RunStatus } from '../runs/run.entity';
import { ScrapeStatus } from '../scrapes/scrape.entity';
import { SuiteStatus, WebhookStatus } from '../suites/suite.entity';
import { count, dateTime, jsonObject, uuid } from './wire-types';

/**
 * The REST response bodies, one zod schema each. The OpenAPI document is generated from
 * them (openapi-schemas.ts), and the controllers' methods return their z.output types, so
 * a field the code stops returning, or returns with another type, fails the type check
 * instead of leaving the document wrong.
 */

const timestamps = { createdAt: dateTime, updatedAt: dateTime };

/** The columns every queued row (run, suite, scrape) carries. */
const jobRow = {
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

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as ?cursor= for the next page; null on the last page' }),
  });

export const runStepBody = z.object({
  runId: uuid,
  index: count,
  action: z.string(),
  target: z.string().nullable().meta({ description: 'The selector or URL the step acted on' }),
  status: z.string().meta({ description: 'passed, failed or skipped', example: 'passed' }),
  durationMs: count,
  error: z.string().nullable(),
  screenshot: z.string().nullable().meta({ description: 'Name of the screenshot artifact taken at this step' }),
});

export const runArtifactBody = z.object({
  runId: uuid,
  name: z.string().meta({ example: 'trace.zip' }),
  kind: z.string().meta({ description: 'screenshot, trace or video' }),
  contentType: z.string(),
  sizeBytes: count,
  createdAt: dateTime,
  url: z
    .string()
    .meta({ description: 'Where to download it (with the API key)', example: '/api/runs/<id>/artifacts/trace.zip' }),
});

/** A run as lists (and a suite's runs) give it: without its steps and artifacts. */
export const runBody = z.object({
  ...jobRow,
  id: uuid,
  name: z.string(),
  definition: jsonObject('The definition as accepted, with defaults filled in'),
  status: z.enum(RunStatus),
  scheduleId: uuid.nullable().meta({ description: 'The schedule whose tick queued it' }),
  suiteId: uuid.nullable().meta({ description: 'The suite it is a test of' }),
  suiteIndex: count.nullable().meta({ description: 'Its place in its suite (0 first)' }),
});

export const runDetailBody = runBody.extend({ steps: z.array(runStepBody), artifacts: z.array(runArtifactBody) });
export const runCreatedBody = z.object({ id: uuid, status: z.enum(RunStatus) });
export const runCancelBody = z.object({
  id: uuid,
  status: z
    .enum(RunStatus)
    .meta({ description: 'cancelled (it was queued) or running (asked to stop: it ends cancelled)' }),
  cancelRequested: z.boolean(),
});

export const suiteBody = z.object({
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
});

export const suiteDetailBody = suiteBody.extend({
  runs: z.array(runBody).meta({ description: 'Its runs, in the order of its tests' }),
});
export const suiteCreatedBody = z.object({
  id: uuid,
  status: z.enum(SuiteStatus),
  total: count,
  runs: z
    .array(z.object({ id: uuid, name: z.string() }))
    .meta({ description: "Each test is a run, in the tests' order" }),
});

export const scrapeBody = z.object({
  ...jobRow,
  id: uuid,
  url: z.string(),
  mode: z.string().meta({ description: 'page or crawl' }),
  request: jsonObject('The request as accepted, with defaults filled in'),
  status: z.enum(ScrapeStatus),
  pagesDone: count.meta({ description: 'Pages fetched and stored' }),
  pagesFailed: count.meta({ description: 'Pages that could not be fetched or read (see errors)' }),
  pagesQueued: count.meta({ description: 'Pages found and waiting to be fetched' }),
  errors: z
    .array(z.object({ url: z.string(), error: z.string() }))
    .meta({ description: 'The first failed pages with their error' }),
});
export const scrapeCreatedBody = z.object({ id: uuid, status: z.enum(ScrapeStatus) });
export const scrapeCancelBody = z.object({ id: uuid, status: z.enum(ScrapeStatus), cancelRequested: z.boolean() });

/** A stored page: `id` always, the other fields as `?fields=` chose. */
export const scrapedPageBody = z.object({
  id: z.string(),
  url: z.string().optional(),
  finalUrl: z.string().nullable().optional().meta({ description: 'Where redirects ended' }),
  depth: count.optional().meta({ description: 'Links followed from the start URL' }),
  state: z.string().optional().meta({ description: 'done or failed' }),
  statusCode: count.nullable().optional(),
  contentType: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  canonicalUrl: z.string().nullable().optional(),
  markdown: z.string().nullable().optional(),
  text: z.string().nullable().optional(),
  html: z.string().nullable().optional(),
  links: z.array(z.string()).nullable().optional(),
  contentHash: z.string().nullable().optional().meta({ description: 'sha256 of the body' }),
  fetchedAt: dateTime.nullable().optional(),
  durationMs: count.nullable().optional(),
  error: z.string().nullable().optional(),
});

export const scheduleBody = z.object({
  ...timestamps,
  id: uuid,
  name: z.string(),
  cron: z.string().meta({ example: '30 7 * * 1-5' }),
  timezone: z.string().meta({ example: 'Europe/Paris' }),
  run: jsonObject(
    'The run definition each tick queues, as accepted (defaults filled in); null for a suite schedule',
  ).nullable(),
  suite: jsonObject('The suite each tick queues, as accepted; null for a run schedule').nullable(),
  lastRunId: uuid.nullable(),
  lastSuiteId: uuid.nullable(),
  lastTickAt: dateTime.nullable(),
  runsQueued: count.meta({ description: 'Runs (or suites) its ticks queued' }),
  ticksSkipped: count.meta({
    description: 'Ticks that queued nothing: the previous run was still going, or runs were at capacity',
  }),
  lastSkipReason: z.string().nullable(),
  nextTickAt: dateTime
    .nullable()
    .optional()
    .meta({ description: 'When the next tick is due (from the queue); on create and GET of one schedule' }),
});

export const emailBody = z.object({
  ...timestamps,
  id: uuid,
  to: z.array(z.string()),
  template: z.string().nullable(),
  variables: jsonObject('Variables given to the template').nullable(),
  subject: z.string(),
  text: z.string().nullable(),
  html: z.string().nullable(),
  status: z.enum(EmailStatus),
  messageId: z.string().nullable().meta({ description: 'The Message-ID header (deterministic per email)' }),
  attempts: count,
  lastError: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  userId: uuid.nullable(),
  sentAt: dateTime.nullable(),
});
export const emailAcceptedBody = z.object({ id: uuid, status: z.enum(EmailStatus) });

export const userBody = z.object({ ...timestamps, id: uuid, email: z.string(), name: z.string() });

export const deadLetterBody = z.object({
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
});

export const workerBody = z.object({
  name: z.string(),
  pid: count,
  active: count,
  processed: count,
  failed: count,
  requeued: count,
  draining: z.boolean(),
  startedAt: z.iso.datetime(),
  lastHeartbeat: z.iso.datetime().nullable(),
});

export const runPageBody = page(runBody);
export const suitePageBody = page(suiteBody);
export const scrapedPagePageBody = page(scrapedPageBody);
export const schedulePageBody = page(scheduleBody);
export const deadLetterPageBody = page(deadLetterBody);
export const workerListBody = z.object({ items: z.array(workerBody) });
