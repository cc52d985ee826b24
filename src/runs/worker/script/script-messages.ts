import { z } from 'zod';

/**
 * The reporter's lines (script-reporter.ts), checked: they come out of the sandbox, where
 * the user's code could have written anything to the same pipe. A line that does not
 * match is ignored; every string and list is bounded.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * Text PostgreSQL can store: a test may print anything, but a NUL or a lone surrogate (a
 * cut that split a pair included) makes the row's write fail, and the test's result with it.
 */
const storable = (s: string) => s.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
const text = (max: number) => z.string().transform((s) => storable(s.slice(0, max)));
const count = z.number().int().min(0).max(1e9);
/**
 * Milliseconds, kept whole: Playwright's run duration has microsecond decimals
 * (monotonicTime), and a step still running when its test timed out has -1 (read as 0).
 */
const ms = z
  .number()
  .min(-1)
  .max(1e9)
  .transform((value) => Math.max(0, Math.round(value)));
const location = z.object({ file: text(300), line: count, column: count });

const errorSchema = z.object({
  message: text(8000),
  snippet: text(4000).optional(),
  location: location.optional(),
});
export type ScriptError = z.infer<typeof errorSchema>;

export interface ScriptStep {
  title: string;
  category: string;
  duration: number;
  error?: ScriptError;
  location?: z.infer<typeof location>;
  steps: ScriptStep[];
}
const stepSchema: z.ZodType<ScriptStep> = z.lazy(() =>
  z.object({
    title: text(500),
    category: text(40),
    duration: ms,
    error: errorSchema.optional(),
    location: location.optional(),
    steps: z.array(stepSchema).max(300),
  }),
);

export const TEST_RESULT_STATUSES = ['passed', 'failed', 'timedOut', 'skipped', 'interrupted'] as const;

const begin = z.object({
  t: z.literal('begin'),
  tests: z
    .array(
      z.object({
        i: count,
        title: text(500),
        path: z.array(text(500)).max(20),
        file: text(300),
        line: count,
        column: count,
      }),
    )
    .max(5000),
});
const testBegin = z.object({ t: z.literal('testBegin'), i: count, retry: count });
const testEnd = z.object({
  t: z.literal('test'),
  i: count,
  retry: count,
  status: z.enum(TEST_RESULT_STATUSES),
  outcome: z.enum(['expected', 'unexpected', 'flaky', 'skipped']),
  willRetry: z.boolean(),
  duration: ms,
  steps: z.array(stepSchema).max(300),
  errors: z.array(errorSchema).max(50),
  stdout: text(70 * 1024),
  stderr: text(70 * 1024),
  attachments: z.array(z.object({ name: text(200), contentType: text(100), path: text(1000) })).max(100),
});
const runError = z.object({ t: z.literal('error'), error: errorSchema });
const end = z.object({
  t: z.literal('end'),
  status: z.enum(['passed', 'failed', 'timedout', 'interrupted']),
  duration: ms,
});

export const scriptMessageSchema = z.discriminatedUnion('t', [begin, testBegin, testEnd, runError, end]);
export type ScriptMessage = z.infer<typeof scriptMessageSchema>;
export type TestEndMessage = z.infer<typeof testEnd>;
export type TestListing = z.infer<typeof begin>['tests'][number];

/** A line read from the reporter, or undefined when it is not one of its messages. */
export function readScriptMessage(line: string): ScriptMessage | undefined {
  try {
    const parsed = scriptMessageSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
