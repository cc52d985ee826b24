import type { FlowProducer } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { NOT_STARTED } from '../database/job-row';
import { insertRuns, newRun } from '../runs/new-run';
import type { RunDefinition } from '../runs/run-definition';
import type { Run } from '../runs/run.entity';
import { suiteFlow } from './suite-job';
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
 * then queue it with addSuiteFlow. `definitions` are its tests, checked, in order.
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

/** Queues the stored suite as one flow (see suiteFlow). */
export async function addSuiteFlow(flows: FlowProducer, { suite, runs }: SuitePlan): Promise<void> {
  await flows.add(suiteFlow(suite, runs));
}
