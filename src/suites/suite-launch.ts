import type { FlowProducer, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { NOT_STARTED } from '../database/job-row';
import { insertRuns, newRun } from '../runs/new-run';
import type { RunDefinition } from '../runs/run-definition';
import type { Run } from '../runs/run.entity';
import type { FairQueues } from '../queues/fair/fair-queues';
import { RUN_JOB, runJob } from '../runs/run-job';
import { SUITE_JOB, suiteFlow } from './suite-job';
import type { SuiteRequest } from './suite-request';
import { Suite, SuiteStatus } from './suite.entity';

/** A suite and its runs as they are first stored: everything `queued`, nothing started. */
export interface SuitePlan {
  suite: Suite;
  runs: Run[];
}

/** Whose a new suite is: a project, and the schedule whose tick made it, if one did. */
export interface SuitePlacement {
  projectId: string;
  scheduleId?: string | null;
}

/** The rows of a new suite; `definitions` are its tests, checked, in order. Its runs are of its project. */
function planSuite(
  request: Omit<SuiteRequest, 'tests'>,
  definitions: RunDefinition[],
  { projectId, scheduleId = null }: SuitePlacement,
): SuitePlan {
  const now = new Date();
  const suite = Object.assign(new Suite(), {
    ...NOT_STARTED,
    id: randomUUID(),
    projectId,
    name: request.name,
    status: SuiteStatus.queued,
    priority: request.priority,
    concurrency: request.concurrency,
    notify: request.notify,
    webhookUrl: request.webhookUrl,
    webhookStatus: null,
    webhookError: null,
    total: definitions.length,
    passed: 0,
    failed: 0,
    errored: 0,
    cancelled: 0,
    scheduleId,
    createdAt: now,
    updatedAt: now,
  });
  const runs = definitions.map((definition, index) =>
    newRun(definition, { projectId, scheduleId, suite: { id: suite.id, index }, createdAt: now }),
  );
  return { suite, runs };
}

/**
 * Stores a new suite and all its runs (call inside a transaction so it is all or nothing);
 * then queue it with queueSuite. `definitions` are its tests, checked, in order.
 */
export async function storeSuite(
  m: EntityManager,
  request: Omit<SuiteRequest, 'tests'>,
  definitions: RunDefinition[],
  placement: SuitePlacement,
): Promise<SuitePlan> {
  const plan = planSuite(request, definitions, placement);
  await m.insert(Suite, plan.suite);
  await insertRuns(m, plan.runs);
  return plan;
}

/** The queue of a suite's parent job, for callers that queue suites (schedules) to inject. */
export const SUITES_QUEUE = SUITE_JOB.queue;

/** Where a suite's jobs go: its parent on the suites queue, its runs on test-runs (through their fair layer). */
export interface SuiteQueues {
  flows: FlowProducer;
  fair: FairQueues;
  suites: Queue;
  runs: Queue;
}

/**
 * Queues the stored suite. With the runs' fair layer, its runs wait in their project's
 * line like any run (a big suite cannot hold back another project), at most `concurrency`
 * of them pending or in flight at once (the layer's group), and the parent goes alone on
 * the suites queue: it waits for the runs in flight (see SuiteFinisher), and the end of
 * the suite's last run settles it at once (SuiteRunHooks). Without the layer, one flow
 * (see suiteFlow).
 */
export async function queueSuite(queues: SuiteQueues, projectId: string, { suite, runs }: SuitePlan): Promise<void> {
  if (!queues.fair.of(RUN_JOB.queue)) return void (await queues.flows.add(suiteFlow(suite, runs)));
  await queues.suites.add(SUITE_JOB.name, SUITE_JOB.rows.jobData(suite.id), { jobId: suite.id });
  await queues.fair.enqueue(
    queues.runs,
    projectId,
    runs.map((run) => runJob(run, suite.concurrency)),
    suite.concurrency ? { id: suite.id, limit: suite.concurrency } : undefined,
  );
}
