import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { FLOW_PRODUCER } from '../../queues/flow-producer';
import { REDIS } from '../../redis/redis.module';
import { releaseRunPlaces, takeRunPlace } from '../../runs/run-capacity';
import { insertRuns, newRun } from '../../runs/new-run';
import { RUN_JOB, runJob, type RunJobData } from '../../runs/run-job';
import type { Run } from '../../runs/run.entity';
import { queueSuite, storeSuite, SUITES_QUEUE, type SuitePlan, type SuiteQueues } from '../../suites/suite-launch';
import { FairQueues } from '../../queues/fair/fair-queues';
import { DEFAULT_PROJECT_ID } from '../../projects/default-project';
import { SCHEDULE_TICK_JOB } from '../schedule-job';
import { Schedule } from '../schedule.entity';

export type TickOutcome =
  | { status: 'queued'; runId: string }
  | { status: 'queued'; suiteId: string }
  | { status: 'skipped'; reason: string }
  | { status: 'gone' }
  | { status: 'paused' };

/**
 * One tick of a schedule: queue its run (or suite), unless its previous one is still
 * queued or running (or runs are at capacity: a suite needs a place for each test). The schedule row is locked for the decision, so two
 * workers given overlapping ticks cannot both start a run.
 */
@Injectable()
export class ScheduleTicker {
  private readonly logger = new Logger(ScheduleTicker.name);
  private readonly queues: SuiteQueues;

  constructor(
    private readonly db: DataSource,
    @InjectQueue(RUN_JOB.queue) private readonly runs: Queue<RunJobData>,
    @InjectQueue(SCHEDULE_TICK_JOB.queue) private readonly schedules: Queue,
    @InjectFlowProducer(FLOW_PRODUCER) flows: FlowProducer,
    @InjectQueue(SUITES_QUEUE) suites: Queue,
    private readonly fair: FairQueues,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.queues = { flows, fair, suites, runs: this.runs };
  }

  async tick(scheduleId: string): Promise<TickOutcome> {
    const prefix = this.config.env.QUEUE_PREFIX;
    let placesTaken = 0;
    let projectId = DEFAULT_PROJECT_ID;
    let outcome: TickOutcome;
    let run: Run | undefined;
    let suite: SuitePlan | undefined;
    try {
      outcome = await this.db.transaction(async (m) => {
        const schedule = await m
          .getRepository(Schedule)
          .findOne({ where: { id: scheduleId }, lock: { mode: 'pessimistic_write' } });
        if (!schedule) return { status: 'gone' } as const;
        if (schedule.pausedAt) return { status: 'paused' } as const;
        const skip = async (reason: string): Promise<TickOutcome> => {
          await m.query(
            `UPDATE schedules SET ticks_skipped = ticks_skipped + 1, last_skip_reason = $2, last_tick_at = now() WHERE id = $1`,
            [scheduleId, reason],
          );
          return { status: 'skipped', reason };
        };
        const [table, previousId] = schedule.suite
          ? (['suites', schedule.lastSuiteId] as const)
          : (['runs', schedule.lastRunId] as const);
        if (previousId) {
          const [previous] = (await m.query(`SELECT status FROM ${table} WHERE id = $1`, [previousId])) as Array<{
            status: string;
          }>;
          if (previous && (previous.status === 'queued' || previous.status === 'running')) {
            return skip(
              `the previous ${table === 'suites' ? 'suite' : 'run'} ${previousId} is still ${previous.status}`,
            );
          }
        }
        const places = schedule.suite ? schedule.suite.tests.length : 1;
        // Not selected with the row (answers never carry it): what a tick queues is the schedule's project's.
        const [project] = (await m.query(
          `SELECT s.project_id, p.queued_limit FROM schedules s JOIN projects p ON p.id = s.project_id WHERE s.id = $1`,
          [scheduleId],
        )) as Array<{ project_id: string; queued_limit: number | null }>;
        projectId = project.project_id;
        const capacity = this.config.env.QUEUED_CAPACITY;
        const taken = await takeRunPlace(
          this.redis,
          prefix,
          capacity,
          { projectId, queuedLimit: project.queued_limit },
          places,
        );
        if (taken === 'full') return skip(`runs are at capacity (QUEUED_CAPACITY ${capacity})`);
        if (taken === 'project-full')
          return skip(`the project's runs are at capacity (its queued limit, ${project.queued_limit})`);
        placesTaken = places;
        if (schedule.suite) {
          suite = await storeSuite(m, schedule.suite, schedule.suite.tests, { projectId, scheduleId });
          await m.query(
            `UPDATE schedules SET last_suite_id = $2, runs_queued = runs_queued + 1, last_tick_at = now(), last_skip_reason = NULL WHERE id = $1`,
            [scheduleId, suite.suite.id],
          );
          return { status: 'queued', suiteId: suite.suite.id } as const;
        }
        run = newRun(schedule.run!, { projectId, scheduleId });
        await insertRuns(m, [run]);
        await m.query(
          `UPDATE schedules SET last_run_id = $2, runs_queued = runs_queued + 1, last_tick_at = now(), last_skip_reason = NULL WHERE id = $1`,
          [scheduleId, run.id],
        );
        return { status: 'queued', runId: run.id } as const;
      });
    } catch (error) {
      if (placesTaken) await releaseRunPlaces(this.redis, prefix, projectId, placesTaken).catch(() => undefined);
      throw error;
    }

    if (outcome.status === 'gone' || outcome.status === 'paused') {
      // Deleted or paused while a tick was on its way (or restored by a race): stop its timer.
      await this.schedules.removeJobScheduler(scheduleId);
      this.logger.log(
        { scheduleId },
        `A tick came for a ${outcome.status === 'gone' ? 'deleted' : 'paused'} schedule: removed its job scheduler`,
      );
    } else if (outcome.status === 'skipped') {
      this.logger.warn({ scheduleId, reason: outcome.reason }, 'Schedule tick skipped');
    } else if (suite) {
      // Stored and committed: if this add fails, the reconciler queues the suite's rows again.
      const { id: suiteId } = suite.suite;
      await queueSuite(this.queues, projectId, suite).catch((err: unknown) =>
        this.logger.warn({ scheduleId, suiteId, err }, 'Could not queue the scheduled suite; the reconciler will'),
      );
      this.logger.log({ scheduleId, suiteId }, 'Schedule tick queued a suite');
    } else if (run) {
      // Stored and committed: if this add fails, the reconciler queues the row again.
      await this.fair
        .enqueue(this.runs, projectId, [runJob(run)])
        .catch((err: unknown) =>
          this.logger.warn(
            { scheduleId, runId: run!.id, err },
            'Could not queue the scheduled run; the reconciler will',
          ),
        );
      this.logger.log({ scheduleId, runId: run.id }, 'Schedule tick queued a run');
    }
    return outcome;
  }
}
