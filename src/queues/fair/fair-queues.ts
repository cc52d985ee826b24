import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SpanKind } from '@opentelemetry/api';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config.service';
import { REDIS } from '../../redis/redis.module';
import { inSpan } from '../../tracing/spans';
import { queueOrWithdraw } from '../enqueue-or-withdraw';
import { JobCatalogue } from '../job-catalogue';
import { defineFairCommands, FairGroup, FairJob, FairQueue } from './fair-queue';

/**
 * The fair layer of every queue whose kind asks for one (`fair` in its declaration), for
 * whoever adds or ends their jobs. With FAIR_DISPATCH=false there is none: jobs go
 * straight to their shared queue, first come first served (the behaviour before it).
 */
@Injectable()
export class FairQueues {
  private readonly byQueue = new Map<string, FairQueue>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly catalogue: JobCatalogue,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    // Now, before any request's command: see defineFairCommands.
    defineFairCommands(redis);
  }

  /** The queue's fair layer, or undefined when its jobs go straight to it. */
  of(queue: string): FairQueue | undefined {
    if (!this.config.env.FAIR_DISPATCH) return undefined;
    const known = this.byQueue.get(queue);
    if (known) return known;
    const kind = this.catalogue.kindOf(queue);
    if (!kind?.fair) return undefined;
    // Built on first use: the queues are not all built yet while this provider is.
    const fair = new FairQueue(
      this.moduleRef.get<Queue>(getQueueToken(kind.queue), { strict: false }),
      this.redis,
      this.config.env.QUEUE_PREFIX,
      kind.fair.capKey ? this.config.env[kind.fair.capKey] : 0,
      kind.fair.runningLimits ?? false,
    );
    this.byQueue.set(queue, fair);
    return fair;
  }

  /**
   * Jobs of one project in line for their queue (its fair layer), or straight on it without
   * one. With tracing on, in a producer span of its own: the jobs carry its context, so each
   * job's processing, whoever adds it to BullMQ and when, continues the caller's trace.
   */
  enqueue(queue: Queue, projectId: string, jobs: FairJob[], group?: FairGroup): Promise<void> {
    const attributes = {
      'bullmq.queue.name': queue.name,
      'stevedore.project.id': projectId,
      'stevedore.jobs': jobs.length,
    };
    return inSpan(
      `enqueue ${queue.name}`,
      attributes,
      async () => {
        const fair = this.of(queue.name);
        if (fair) return fair.enqueue(projectId, jobs, group);
        if (jobs.length === 1) await queue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
        else await queue.addBulk(jobs);
      },
      SpanKind.PRODUCER,
    );
  }

  /**
   * queueOrWithdraw through the fair layer: the stored row's job is accepted in its
   * project's line (or added to its queue without a layer); if Redis refuses, the row goes
   * and the caller gets a 503 (see queueOrWithdraw).
   */
  enqueueOrWithdraw(queue: Queue, projectId: string, job: FairJob, withdraw: () => Promise<unknown>): Promise<void> {
    return queueOrWithdraw(`${queue.name} job`, job.opts.jobId, () => this.enqueue(queue, projectId, [job]), withdraw);
  }

  /** A cancel of a job that had not started: out of its fair layer, or off its queue. */
  async withdraw(queue: Queue, id: string): Promise<void> {
    const fair = this.of(queue.name);
    if (fair) return fair.withdraw(id);
    await queue.remove(id).catch(() => undefined);
  }
}
