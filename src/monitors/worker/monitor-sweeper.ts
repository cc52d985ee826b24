import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { DEFAULT_JOB_OPTIONS } from '../../queues/default-job-options';
import { REDIS } from '../../redis/redis.module';
import { ALERT_JOB, type AlertJobData } from '../alert-job';
import { incidentEventsChannel } from '../incident-events';
import { MonitorEvaluator } from './monitor-evaluator';

/** A notification stored this long ago still pending and without a job was lost between commit and add. */
const LOST_AFTER_MS = 5_000;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Every MONITOR_SWEEP_MS, on every worker: judges each schedule with alert rules that has
 * runs ended since it last looked (or a recovery whose cool-down is over), queues the
 * notifications that produced, and queues again any notification a crash left without a
 * job. Judging is per schedule under its own row lock, so workers sweeping at once share
 * the work; queueing is by the notification's id, so a repeat adds nothing. Hourly, it
 * drops incidents (and their notifications) resolved more than MONITOR_RETENTION_DAYS ago,
 * and a deleted schedule's, untouched as long, with its monitor state.
 */
@Injectable()
export class MonitorSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MonitorSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly db: DataSource,
    private readonly evaluator: MonitorEvaluator,
    private readonly config: AppConfig,
    @InjectQueue(ALERT_JOB.queue) private readonly queue: Queue<AlertJobData>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.env.MONITOR_SWEEP_MS;
    if (every === 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.logger.warn({ err }, 'A monitor sweep failed; the next one tries again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, every);
        });
    };
    this.timer = setTimeout(tick, every);
  }

  /** Before the shutdown sequence closes the database and Redis, so no sweep starts against them closed. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async sweep(now = new Date()): Promise<void> {
    const due = (await this.db.query(
      `SELECT s.id FROM schedules s LEFT JOIN monitor_states m ON m.schedule_id = s.id
        WHERE s.alerts IS NOT NULL AND (
          EXISTS (SELECT 1 FROM runs r WHERE s.suite IS NULL AND r.schedule_id = s.id AND r.finished_at IS NOT NULL
                    AND (r.finished_at, r.id) > (COALESCE(m.cursor_at, '-infinity'), COALESCE(m.cursor_id, '00000000-0000-0000-0000-000000000000')))
          OR EXISTS (SELECT 1 FROM suites x WHERE s.suite IS NOT NULL AND x.schedule_id = s.id AND x.finished_at IS NOT NULL
                    AND (x.finished_at, x.id) > (COALESCE(m.cursor_at, '-infinity'), COALESCE(m.cursor_id, '00000000-0000-0000-0000-000000000000')))
          OR EXISTS (SELECT 1 FROM incidents i WHERE i.schedule_id = s.id AND i.state = 'recovering' AND i.resolve_due_at <= $1))
        LIMIT 100`,
      [now],
    )) as Array<{ id: string }>;
    for (const { id } of due) {
      const { notificationIds, changedIncidents } = await this.evaluator.evaluate(id, now);
      await this.enqueue(notificationIds);
      for (const change of changedIncidents)
        await this.redis
          .publish(incidentEventsChannel(this.config.env.QUEUE_PREFIX), JSON.stringify({ scheduleId: id, ...change }))
          .catch(() => undefined);
    }
    const lost = (await this.db.query(
      `SELECT id FROM alert_notifications WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 100`,
      [new Date(now.getTime() - LOST_AFTER_MS)],
    )) as Array<{ id: string }>;
    await this.enqueue(lost.map((row) => row.id));
    if (now.getTime() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = now.getTime();
      await this.db.query(
        `DELETE FROM incidents WHERE state = 'resolved' AND resolved_at < now() - make_interval(days => $1)`,
        [this.config.env.MONITOR_RETENTION_DAYS],
      );
      // A deleted schedule's incidents never resolve: they go once untouched for as long, with its state row.
      await this.db.query(
        `DELETE FROM incidents i WHERE i.updated_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = i.schedule_id)`,
        [this.config.env.MONITOR_RETENTION_DAYS],
      );
      await this.db.query(
        `DELETE FROM monitor_states m WHERE NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = m.schedule_id)`,
      );
    }
  }

  /** Adds each notification's job by its id: one already there (waiting, retrying or done) is left as it is. */
  private async enqueue(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queue.addBulk(
      ids.map((id) => ({
        name: ALERT_JOB.name,
        data: ALERT_JOB.rows.jobData(id),
        opts: { ...DEFAULT_JOB_OPTIONS, ...ALERT_JOB.options, jobId: id },
      })),
    );
  }
}
