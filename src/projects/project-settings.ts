import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A project's limits as they apply now: null where the deployment's default applies. */
export interface ProjectLimits {
  runningLimit: number | null;
  queuedLimit: number | null;
  ratePerSecond: number | null;
  rateBurst: number | null;
}

const NO_LIMITS: ProjectLimits = { runningLimit: null, queuedLimit: null, ratePerSecond: null, rateBurst: null };

/**
 * How long an instance uses a project's limits before reading them again: a change made on
 * another instance applies within this, without a message between instances.
 */
export const SETTINGS_CACHE_MS = 2000;

/** Each project's limits, read from the database at most every SETTINGS_CACHE_MS per instance. */
@Injectable()
export class ProjectSettings {
  private readonly cache = new Map<string, { limits: Promise<ProjectLimits>; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  limitsOf(projectId: string): Promise<ProjectLimits> {
    const now = Date.now();
    const cached = this.cache.get(projectId);
    if (cached && cached.until > now) return cached.limits;
    const limits = this.read(projectId);
    this.cache.set(projectId, { limits, until: now + SETTINGS_CACHE_MS });
    // A failed read is not kept: the next request asks again.
    limits.catch(() => this.cache.delete(projectId));
    return limits;
  }

  /** This instance applies a change it made at once. */
  async changed(projectId: string): Promise<void> {
    this.cache.delete(projectId);
  }

  private async read(projectId: string): Promise<ProjectLimits> {
    const [row] = (await this.dataSource.query(
      `SELECT running_limit, queued_limit, rate_per_second, rate_burst FROM projects WHERE id = $1`,
      [projectId],
    )) as Array<{
      running_limit: number | null;
      queued_limit: number | null;
      rate_per_second: number | null;
      rate_burst: number | null;
    }>;
    if (!row) return NO_LIMITS;
    return {
      runningLimit: row.running_limit,
      queuedLimit: row.queued_limit,
      ratePerSecond: row.rate_per_second,
      rateBurst: row.rate_burst,
    };
  }
}
