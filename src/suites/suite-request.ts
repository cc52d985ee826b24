import { z } from 'zod';
import type { Env } from '../config/env.schema';
import { notifyList } from '../mail/recipient-list';
import type { RunDefinition } from '../runs/run-definition';
import { isObject } from '../validation/body-checks';
import { checkRequest } from '../validation/parse-request';
import {
  closedObject,
  httpUrl,
  optional,
  priorityField,
  requiredName,
  schemaForLimits,
  wholeNumber,
} from '../validation/request-fields';

/** A suite as accepted, before its tests are checked (by the runs' own parser, which knows the egress rule). */
export interface SuiteRequest {
  name: string;
  /** Run definitions, each with the suite's priority unless it gives its own. */
  tests: unknown[];
  notify: string[];
  webhookUrl: string | null;
  priority: number;
  concurrency: number | null;
}

/** A suite as a schedule keeps it: its tests checked, with their defaults filled in. */
export type SuiteTemplate = Omit<SuiteRequest, 'tests'> & { tests: RunDefinition[] };

export const MAX_TESTS = 500;
export const MAX_NOTIFY = 50;
/** The longest name a suite may have (its column's length). */
export const MAX_SUITE_NAME = 200;
const FIELDS = 'name, tests, notify, webhookUrl, priority, concurrency';

/** The most tests a suite may have: MAX_TESTS, or fewer when fewer runs may wait (QUEUED_CAPACITY). */
export const maxTestsOf = (env: Pick<Env, 'QUEUED_CAPACITY'>) => Math.min(MAX_TESTS, env.QUEUED_CAPACITY);

const given = (value: unknown) => value !== undefined && value !== null;

/**
 * A test as the document shows it: a run definition, or the id of an earlier run. The
 * schema leaves each test to the runs' parser (it knows the egress rule, and a `fromRun`
 * test is read from the database first).
 */
const suiteTest = z.unknown().meta({
  anyOf: [
    { $ref: '#/components/schemas/TriggerRunInput' },
    {
      type: 'object',
      properties: { fromRun: { type: 'string', format: 'uuid', description: 'An earlier run, run again' } },
      required: ['fromRun'],
      additionalProperties: false,
    },
  ],
});

/**
 * The suite's own fields, every problem named; its tests as given. `maxTests` is the lower
 * of MAX_TESTS and QUEUED_CAPACITY: a suite that could never be admitted is a bad request,
 * not a 429.
 */
export const suiteRequestSchema = schemaForLimits((maxTests: number) =>
  closedObject(
    {
      name: requiredName(MAX_SUITE_NAME, 'is required (a non-empty string)').meta({ example: 'checkout smoke tests' }),
      tests: z
        .array(suiteTest, { error: 'is required (a list of run definitions, each the body of POST /api/runs)' })
        .min(1, { error: 'must have at least one test' })
        .max(maxTests, {
          error: (issue) => `may have at most ${maxTests} tests (got ${(issue.input as unknown[]).length})`,
        })
        .meta({
          description:
            'Each test is a run definition (the body of POST /api/runs), or { "fromRun": "<run id>" } for the definition of an earlier run (REST only); each becomes a run of the suite',
        }),
      notify: optional(notifyList(MAX_NOTIFY)).meta({
        description: 'Who gets the suite-finished email',
        example: ['qa@example.com'],
      }),
      webhookUrl: optional(httpUrl(2048)).meta({
        description: 'Gets the same report as JSON (POST, retried with backoff)',
        example: 'https://hooks.example.com/stevedore',
      }),
      priority: priorityField().meta({
        description: "1 (most urgent) to 10: every test's, unless a test gives its own",
        example: 5,
      }),
      concurrency: optional(
        wholeNumber(1, 1000, 'must be a whole number from 1 to 1000 (how many of its runs may run at once)'),
      ).meta({
        description: 'At most this many of its runs at once (default: as many as the workers take)',
        example: 2,
      }),
    },
    `is not a field of a suite (${FIELDS})`,
    'the body must be a JSON object with name and tests',
  )
    .transform(({ name, tests, notify, webhookUrl, priority, concurrency }): SuiteRequest => ({
      name,
      // A test taken from an earlier run (`fromRun`) gets the suite's priority when it is read.
      tests: tests.map((test) =>
        isObject(test) && !given(test.priority) && !('fromRun' in test) ? { ...test, priority } : test,
      ),
      notify: notify ?? [],
      webhookUrl: webhookUrl ?? null,
      priority,
      concurrency: concurrency ?? null,
    }))
    .meta({ description: 'Many tests as one suite: each test a run, spread over the workers' }),
);

/** The suite's own fields, every problem named (its tests are checked by the runs' parser). */
export function parseSuiteRequest(body: unknown, maxTests: number): { request?: SuiteRequest; errors: string[] } {
  const { data, errors } = checkRequest(suiteRequestSchema(maxTests), body);
  return { request: data, errors };
}
