import type { FlowProducer } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RunDefinition } from '../runs/run-definition';
import { Run, RunStatus } from '../runs/run.entity';
import { suiteFlow } from './suite-job';
import type { SuiteRequest } from './suite-request';
import { Suite, SuiteStatus } from './suite.entity';

/** A suite and its runs as they are first stored: everything `queued`, nothing started. */
export interface SuitePlan {
  suite: Suite;
  runs: Run[];
}

const fresh = {
  attempt: 0,
  worker: null,
  error: null,
  cancelRequested: false,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
} as const;

/** The rows of a new suite; `definitions` are its tests, checked, in order. */
export function planSuite(
  request: Omit<SuiteRequest, 'tests'>,
  definitions: RunDefinition[],
  scheduleId: string | null = null,
): SuitePlan {
  const now = new Date();
  const suite = Object.assign(new Suite(), {
    ...fresh,
    id: randomUUID(),
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
    Object.assign(new Run(), {
      ...fresh,
      id: randomUUID(),
      name: definition.name,
      definition,
      priority: definition.priority,
      status: RunStatus.queued,
      scheduleId,
      suiteId: suite.id,
      suiteIndex: index,
      createdAt: now,
      updatedAt: now,
    }),
  );
  return { suite, runs };
}

/** Stores the suite and all its runs; call inside a transaction so it is all or nothing. */
export async function insertSuite(m: EntityManager, { suite, runs }: SuitePlan): Promise<void> {
  await m.insert(Suite, suite);
  // In slices: one statement's bind parameters are capped (65535).
  for (let i = 0; i < runs.length; i += 200) await m.insert(Run, runs.slice(i, i + 200));
}

/** Queues the stored suite as one flow (see suiteFlow). */
export async function addSuiteFlow(flows: FlowProducer, { suite, runs }: SuitePlan): Promise<void> {
  await flows.add(suiteFlow(suite, runs));
}
