import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveEventHub } from '../events/live-event-hub';
import type { LiveSource, LiveUpdate, QueueSignal } from '../events/live-update';
import { SUITE_JOB } from './suite-job';
import { FINAL_SUITE_STATUSES, Suite } from './suite.entity';
import { SuitesService } from './suites.service';

/** A suite's state as `suite.updated`: the suite as `GET /api/suites/:id` gives it, runs included. */
export function suiteUpdated(suite: Suite): LiveUpdate {
  return {
    event: 'suite.updated',
    payload: suite as unknown as Record<string, unknown>,
    key: `${suite.status}:${suite.passed}:${suite.failed}:${suite.errored}:${suite.cancelled}:${(suite.runs ?? []).map((r) => r.status[0]).join('')}`,
    final: FINAL_SUITE_STATUSES.includes(suite.status),
  };
}

/**
 * Suites, live: the workers report a suite's counts as its parent job's progress when a
 * run starts or ends, and the parent's end settles it; each is sent as the suite read fresh.
 */
@Injectable()
export class SuiteLiveSource implements LiveSource, OnModuleInit {
  readonly kind = 'suite' as const;
  readonly queue = SUITE_JOB.queue;

  constructor(
    private readonly suites: SuitesService,
    private readonly hub: LiveEventHub,
  ) {}

  onModuleInit(): void {
    this.hub.register(this);
  }

  /** With `projectId` (a new subscriber's), a suite of another project is not found; without, any (a later update). */
  async snapshot(id: string, projectId?: string): Promise<LiveUpdate> {
    return suiteUpdated(await this.suites.get(id, projectId ?? null));
  }

  async translate(id: string, signal: QueueSignal): Promise<LiveUpdate[]> {
    return signal.type === 'active' ? [] : [await this.snapshot(id)];
  }
}
