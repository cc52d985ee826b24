import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { QUEUES } from '../queues/queue-names';
import { REDIS } from '../redis/redis.module';
import { releaseRunPlaces, takeRunPlace } from '../runs/run-capacity';
import { RUN_JOB_NAME, runJobData, runJobOptions, type RunJobData } from '../runs/run-job';
import { Run, RunStatus } from '../runs/run.entity';
import { Schedule } from './schedule.entity';

export type TickOutcome = { status: 'queued'; runId: string } | { status: 'skipped'; reason: string } | { status: 'gone' };

/**
 * One tick of a schedule: queue its run, unless its previous run is still queued or
 * running (or runs are at capacity). The schedule row is locked for the decision, so two
 * workers given overlapping ticks cannot both start a run.
 */
@Injectable()
export class ScheduleTicker {
  private readonly logger = new Logger(ScheduleTicker.name);

  constructor(
    private readonly db: DataSource,
    @InjectQueue(QUEUES.testRuns) private readonly runs: Queue<RunJobData>,
    @InjectQueue(QUEUES.schedules) private readonly schedules: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async tick(scheduleId: string): Promise<TickOutcome> {
    const prefix = this.config.env.QUEUE_PREFIX;
    let placeTaken = false;
    let outcome: TickOutcome;
    let run: Run | undefined;
    try {
      outcome = await this.db.transaction(async (m) => {
        const schedule = await m.getRepository(Schedule).findOne({ where: { id: scheduleId }, lock: { mode: 'pessimistic_write' } });
        if (!schedule) return { status: 'gone' } as const;
        const skip = async (reason: string): Promise<TickOutcome> => {
          await m.query(`UPDATE schedules SET ticks_skipped = ticks_skipped + 1, last_skip_reason = $2, last_tick_at = now() WHERE id = $1`, [scheduleId, reason]);
          return { status: 'skipped', reason };
        };
        if (schedule.lastRunId) {
          const [previous] = (await m.query(`SELECT status FROM runs WHERE id = $1`, [schedule.lastRunId])) as Array<{ status: RunStatus }>;
          if (previous && (previous.status === RunStatus.queued || previous.status === RunStatus.running)) {
            return skip(`the previous run ${schedule.lastRunId} is still ${previous.status}`);
          }
        }
        placeTaken = await takeRunPlace(this.redis, prefix, this.config.env.QUEUED_CAPACITY);
        if (!placeTaken) return skip(`runs are at capacity (QUEUED_CAPACITY ${this.config.env.QUEUED_CAPACITY})`);
        const definition = schedule.run;
        run = m.getRepository(Run).create({ id: randomUUID(), name: definition.name, definition, priority: definition.priority, status: RunStatus.queued, scheduleId });
        await m.getRepository(Run).insert(run);
        await m.query(`UPDATE schedules SET last_run_id = $2, runs_queued = runs_queued + 1, last_tick_at = now(), last_skip_reason = NULL WHERE id = $1`, [scheduleId, run.id]);
        return { status: 'queued', runId: run.id } as const;
      });
    } catch (error) {
      if (placeTaken) await releaseRunPlaces(this.redis, prefix).catch(() => undefined);
      throw error;
    }

    if (outcome.status === 'gone') {
      // Deleted while a tick was on its way (or restored by a race): stop its timer for good.
      await this.schedules.removeJobScheduler(scheduleId);
      this.logger.log({ scheduleId }, 'A tick came for a deleted schedule: removed its job scheduler');
    } else if (outcome.status === 'skipped') {
      this.logger.warn({ scheduleId, reason: outcome.reason }, 'Schedule tick skipped');
    } else if (run) {
      // Stored and committed: if this add fails, the reconciler queues the row again.
      await this.runs.add(RUN_JOB_NAME, runJobData(run), runJobOptions(run)).catch((err: unknown) =>
        this.logger.warn({ scheduleId, runId: run!.id, err }, 'Could not queue the scheduled run; the reconciler will'),
      );
      this.logger.log({ scheduleId, runId: run.id }, 'Schedule tick queued a run');
    }
    return outcome;
  }
}
