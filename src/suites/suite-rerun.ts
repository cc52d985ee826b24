import { registerEnumType } from '@nestjs/graphql';
import type { RunDefinition } from '../runs/run-definition';
import type { RunStatus } from '../runs/run.entity';
import { closedObject, gotText, oneOf, withDefault } from '../validation/request-fields';
import { FAILED_RUN_STATUSES } from './suite-report';
import { MAX_SUITE_NAME } from './suite-request';
import type { Suite } from './suite.entity';

/** Which tests of an ended suite a rerun takes. */
export const SuiteRerunOnly = { failed: 'failed', all: 'all' } as const;
export type SuiteRerunOnly = (typeof SuiteRerunOnly)[keyof typeof SuiteRerunOnly];
registerEnumType(SuiteRerunOnly, {
  name: 'SuiteRerunOnly',
  description: "Which of a suite's tests a rerun takes",
  valuesMap: {
    failed: { description: 'The tests whose runs ended failed, error or timed_out' },
    all: { description: 'Every test' },
  },
});

/** The run states a rerun of `only` takes; none: every run. */
export const rerunStatuses = (only: SuiteRerunOnly): readonly RunStatus[] | undefined =>
  only === SuiteRerunOnly.failed ? FAILED_RUN_STATUSES : undefined;

/** The body of POST /api/suites/:id/rerun; no body at all is `{}`. */
export const suiteRerunRequestSchema = closedObject(
  {
    only: withDefault(
      oneOf(['failed', 'all'], (given) => `must be "failed" or "all"${gotText(given)}`),
      SuiteRerunOnly.failed,
    ).meta({
      description: 'The tests whose runs ended failed, error or timed_out (the default), or all of them',
      example: 'failed',
    }),
  },
  'is not a field of a rerun (only)',
  'the body must be a JSON object such as { "only": "failed" }, or none',
);

const SUFFIX = ' (rerun)';

/** The rerun's name: the suite's with SUFFIX, cut so that it still fits. */
export const rerunName = (name: string) => `${name.slice(0, MAX_SUITE_NAME - SUFFIX.length)}${SUFFIX}`;

/**
 * The body of POST /api/suites that reruns `tests` of `suite`: its settings, and each
 * test as its run was accepted (its own priority kept), to be checked and admitted again
 * like any new suite (the egress rule or a secret may have changed since).
 */
export const rerunRequest = (
  suite: Pick<Suite, 'name' | 'notify' | 'webhookUrl' | 'priority' | 'concurrency'>,
  tests: RunDefinition[],
) => ({
  name: rerunName(suite.name),
  tests,
  notify: suite.notify,
  webhookUrl: suite.webhookUrl,
  priority: suite.priority,
  concurrency: suite.concurrency,
});
