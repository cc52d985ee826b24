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

const location = z
  .object({ file: z.string(), line: count, column: count })
  .meta({ description: "A place in the script's files (1-based line and column)" });
const testError = z.object({
  message: z.string().meta({ description: "Playwright's message" }),
  snippet: z.string().optional().meta({ description: 'The code frame around the line that failed' }),
  location: location.optional(),
});
type StepNode = {
  title: string;
  category: string;
  durationMs: number;
  error?: z.infer<typeof testError>;
  location?: z.infer<typeof location>;
  steps: StepNode[];
};
const testStep: z.ZodType<StepNode> = z.lazy(() =>
  z
    .object({
      title: z.string(),
      category: z
        .string()
        .meta({ description: 'test.step, expect or pw:api (an action); a hook or fixture that failed' }),
      durationMs: count,
      error: testError.optional(),
      location: location.optional(),
      steps: z.array(testStep),
    })
    .meta({ id: 'RunTestStep', description: 'A test.step (or action, or assertion) and the steps inside it' }),
);

export const runTestBody = responseBody(
  'RunTest',
  z.object({
    runId: uuid,
    index: count.meta({ description: 'Its place in the run (0 first, in file order)' }),
    title: z.string(),
    describePath: z.array(z.string()).meta({ description: 'The describe blocks it is in, outermost first' }),
    file: z.string().meta({ example: 'checkout.spec.ts' }),
    line: count,
    column: count,
    status: z.string().meta({
      description: 'queued, running, passed, failed, timedOut, skipped or flaky (passed on a retry)',
      example: 'passed',
    }),
    durationMs: count.meta({ description: 'Its last attempt' }),
    attempts: count.meta({ description: '1 + the retries it used' }),
    steps: z.array(testStep),
    errors: z.array(testError),
    stdout: z.string().meta({ description: 'What it printed (last attempt, at most 64 KiB)' }),
    stderr: z.string(),
    attachments: z
      .array(z.object({ name: z.string(), contentType: z.string(), artifact: z.string() }))
      .meta({ description: 'Screenshots, trace, video and testInfo.attach files; each is a run artifact' }),
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
    artifactsExpiredAt: dateTime.nullable().meta({
      description:
        'When its artifacts (files, JUnit, HTML report) were removed, ARTIFACT_RETENTION_DAYS after it ended; its downloads then answer 410',
    }),
  }),
);

export const runDetailBody = responseBody(
  'RunDetail',
  runBody.extend({
    steps: z.array(runStepBody).meta({ description: 'Its steps (step runs)' }),
    tests: z.array(runTestBody).meta({ description: 'Its Playwright tests (script runs)' }),
    artifacts: z.array(runArtifactBody),
  }),
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

const perStatus = (what: string) => count.meta({ description: `${what} that ended in that hour` });

export const runStatsBody = responseBody(
  'RunStats',
  z.object({
    running: count.meta({ description: "The project's runs running now" }),
    queued: count.meta({ description: "The project's runs waiting now" }),
    runningCapacity: count.meta({ description: 'RUNNING_CAPACITY: runs running at once, all projects together' }),
    queuedCapacity: count.meta({ description: 'QUEUED_CAPACITY: runs waiting at once, all projects together' }),
    projectRunningLimit: count.nullable().meta({ description: "The project's own running limit; null: none" }),
    projectQueuedLimit: count.nullable().meta({ description: "The project's own queued limit; null: none" }),
    lastDay: z
      .array(
        z.object({
          hour: dateTime,
          passed: perStatus('Runs passed'),
          failed: perStatus('Runs failed'),
          error: perStatus('Runs in error'),
          cancelled: perStatus('Runs cancelled'),
          timed_out: perStatus('Runs timed out'),
        }),
      )
      .meta({ description: 'The last 24 hours, oldest first, by the hour runs ended in' }),
    recentFailures: z.array(runBody).meta({ description: 'The last five runs that failed, errored or timed out' }),
  }),
);
