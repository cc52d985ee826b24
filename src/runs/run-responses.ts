import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, jobRow, jsonObject, page, uuid } from '../docs/wire-types';
import { RunStatus } from './run.entity';

/**
 * The run bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const runStepBody = responseBody(
  'RunStep',
  z.object({
    runId: uuid,
    index: count,
    action: z.string(),
    target: z.string().nullable().meta({ description: 'The selector or URL the step acted on' }),
    status: z.string().meta({ description: 'passed, failed or skipped', example: 'passed' }),
    durationMs: count,
    error: z.string().nullable(),
    screenshot: z.string().nullable().meta({ description: 'Name of the screenshot artifact taken at this step' }),
  }),
);

export const runArtifactBody = responseBody(
  'RunArtifact',
  z.object({
    runId: uuid,
    name: z.string().meta({ example: 'trace.zip' }),
    kind: z.string().meta({ description: 'screenshot, trace or video' }),
    contentType: z.string(),
    sizeBytes: count,
    createdAt: dateTime,
    url: z
      .string()
      .meta({ description: 'Where to download it (with the API key)', example: '/api/runs/<id>/artifacts/trace.zip' }),
  }),
);

/** A run as lists (and a suite's runs) give it: without its steps and artifacts. */
export const runBody = responseBody(
  'Run',
  z.object({
    ...jobRow,
    id: uuid,
    name: z.string(),
    definition: jsonObject('The definition as accepted, with defaults filled in'),
    status: z.enum(RunStatus),
    scheduleId: uuid.nullable().meta({ description: 'The schedule whose tick queued it' }),
    suiteId: uuid.nullable().meta({ description: 'The suite it is a test of' }),
    suiteIndex: count.nullable().meta({ description: 'Its place in its suite (0 first)' }),
  }),
);

export const runDetailBody = responseBody(
  'RunDetail',
  runBody.extend({ steps: z.array(runStepBody), artifacts: z.array(runArtifactBody) }),
);

export const runCreatedBody = responseBody('RunCreated', z.object({ id: uuid, status: z.enum(RunStatus) }));

export const runCancelBody = responseBody(
  'RunCancel',
  z.object({
    id: uuid,
    status: z
      .enum(RunStatus)
      .meta({ description: 'cancelled (it was queued) or running (asked to stop: it ends cancelled)' }),
    cancelRequested: z.boolean(),
  }),
);

export const runPageBody = responseBody('RunPage', page(runBody));
