import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { ProjectSettings } from '../projects/project-settings';
import { FINAL_RUN_STATUSES, Run, RunStatus } from './run.entity';

export type FinalStatus = 'passed' | 'failed' | 'error' | 'cancelled' | 'timed_out';
export type HourOfRuns = { hour: Date } & Record<FinalStatus, number>;

export interface RunStats {
  running: number;
  queued: number;
  runningCapacity: number;
  queuedCapacity: number;
  projectRunningLimit: number | null;
  projectQueuedLimit: number | null;
  lastDay: HourOfRuns[];
  recentFailures: Run[];
}

const HOURS = 24;
const FAILURES = 5;

/** What the dashboard's overview shows of a project's runs: now, and the last day by hour. */
@Injectable()
export class RunStatsService {
  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly config: AppConfig,
    private readonly settings: ProjectSettings,
  ) {}

  async of(projectId: string): Promise<RunStats> {
    const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - (HOURS - 1) * 3_600_000);
    const [now, hours, recentFailures, limits] = await Promise.all([
      this.runs.query(
        `SELECT status, count(*)::int AS n FROM runs WHERE project_id = $1 AND status IN ('queued', 'running') GROUP BY status`,
        [projectId],
      ) as Promise<Array<{ status: RunStatus; n: number }>>,
      this.runs.query(
        `SELECT date_trunc('hour', finished_at) AS hour, status, count(*)::int AS n FROM runs
          WHERE project_id = $1 AND finished_at >= $2 AND status = ANY($3)
          GROUP BY 1, 2`,
        [projectId, since, FINAL_RUN_STATUSES],
      ) as Promise<Array<{ hour: Date; status: FinalStatus; n: number }>>,
      this.runs
        .createQueryBuilder('run')
        .where('run.project_id = :projectId', { projectId })
        .andWhere('run.status IN (:...statuses)', {
          statuses: [RunStatus.failed, RunStatus.error, RunStatus.timed_out],
        })
        .orderBy('run.finished_at', 'DESC', 'NULLS LAST')
        .limit(FAILURES)
        .getMany(),
      this.settings.limitsOf(projectId),
    ]);
    const count = (status: RunStatus) => now.find((row) => row.status === status)?.n ?? 0;
    const lastDay: HourOfRuns[] = Array.from({ length: HOURS }, (_, i) => ({
      hour: new Date(since.getTime() + i * 3_600_000),
      passed: 0,
      failed: 0,
      error: 0,
      cancelled: 0,
      timed_out: 0,
    }));
    for (const row of hours) {
      const slot = lastDay[Math.round((new Date(row.hour).getTime() - since.getTime()) / 3_600_000)];
      if (slot) slot[row.status] = row.n;
    }
    return {
      running: count(RunStatus.running),
      queued: count(RunStatus.queued),
      runningCapacity: this.config.env.RUNNING_CAPACITY,
      queuedCapacity: this.config.env.QUEUED_CAPACITY,
      projectRunningLimit: limits.runningLimit,
      projectQueuedLimit: limits.queuedLimit,
      lastDay,
      recentFailures,
    };
  }
}
