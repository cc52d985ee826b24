import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { outageLog } from '../../outages/outage-log';
import { AppConfig } from '../../config/app-config.service';
import { SCHEDULE_TICK_JOB, startTicks } from '../schedule-job';

/**
 * The database is the record of schedules; Redis only times them. A Redis that lost its
 * data (no persistence, a failover) would stop every schedule, so each worker puts back
 * any missing job scheduler at start and every RECONCILE_INTERVAL_MS (0: never).
 */
@Injectable()
export class ScheduleRestorer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduleRestorer.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    @InjectQueue(SCHEDULE_TICK_JOB.queue) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Off with the reconciler: both take the database to belong to this deployment alone.
    const every = this.config.env.RECONCILE_INTERVAL_MS;
    if (every === 0) return;
    const pass = () => {
      this.running = this.restore().catch((err: unknown) =>
        outageLog.fault(this.logger, err, 'Could not check the job schedulers; trying again later', {}, 'warn'),
      );
    };
    pass();
    this.timer = setInterval(pass, every).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Returns how many it put back. Upserting an existing scheduler would reset it, so only
   * missing ones; a paused schedule has none on purpose. One paused after this read may
   * still be put back: its first tick finds it paused and removes the scheduler again.
   */
  async restore(): Promise<number> {
    const rows = (await this.db.query(`SELECT id, cron, timezone FROM schedules WHERE paused_at IS NULL`)) as Array<{
      id: string;
      cron: string;
      timezone: string;
    }>;
    let restored = 0;
    for (const row of rows) {
      if (await this.queue.getJobScheduler(row.id)) continue;
      await startTicks(this.queue, row);
      this.logger.warn({ scheduleId: row.id }, 'A schedule had no job scheduler in Redis: restored it');
      restored++;
    }
    return restored;
  }
}
