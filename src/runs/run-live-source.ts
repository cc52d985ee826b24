import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveEventHub } from '../events/live-event-hub';
import type { LiveSource, LiveUpdate, QueueSignal } from '../events/live-update';
import type { RunProgress } from './run-progress';
import { RUN_JOB } from './run-job';
import { FINAL_RUN_STATUSES, Run } from './run.entity';
import { RunsService } from './runs.service';

/** A run's state as `run.updated`: the run as `GET /api/runs/:id` gives it. */
export function runUpdated(run: Run): LiveUpdate {
  return {
    event: 'run.updated',
    payload: run as unknown as Record<string, unknown>,
    key: `status:${run.attempt}:${run.status}`,
    covers: (run.steps ?? []).map((step) => `step:${run.attempt}:${step.index}`),
    final: FINAL_RUN_STATUSES.includes(run.status),
  };
}

/**
 * Runs, live: a status change reported by the worker, or the job's end (completed,
 * failed for good, removed by a cancel), is sent as the run read fresh from the
 * database; a finished step is sent as the worker reported it, with no read.
 */
@Injectable()
export class RunLiveSource implements LiveSource, OnModuleInit {
  readonly kind = 'run' as const;
  readonly queue = RUN_JOB.queue;

  constructor(
    private readonly runs: RunsService,
    private readonly hub: LiveEventHub,
  ) {}

  onModuleInit(): void {
    this.hub.register(this);
  }

  /** With `projectId` (a new subscriber's), a run of another project is not found; without, any (a later update). */
  async snapshot(id: string, projectId?: string): Promise<LiveUpdate> {
    return runUpdated(await this.runs.get(id, projectId ?? null));
  }

  async translate(id: string, signal: QueueSignal): Promise<LiveUpdate[]> {
    if (signal.type === 'active') return [];
    if (signal.type !== 'progress') return [await this.snapshot(id)];
    const progress = signal.data as RunProgress | undefined;
    if (progress?.type === 'status') return [await this.snapshot(id)];
    if (progress?.type === 'test') {
      const { type: _test, attempt: testAttempt, ...test } = progress;
      return [
        {
          event: 'run.test',
          payload: { runId: id, attempt: testAttempt, ...test },
          key: `test:${testAttempt}:${test.index}:${test.retry}`,
          final: false,
        },
      ];
    }
    if (progress?.type !== 'step') return [];
    const { type: _type, attempt, ...step } = progress;
    return [
      {
        event: 'run.step',
        payload: { runId: id, attempt, ...step },
        key: `step:${attempt}:${step.index}`,
        final: false,
      },
    ];
  }
}
