import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { memoryLimit, shouldPause } from './memory-limit';
import { WorkerActivity } from './worker-activity.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

const CHECK_EVERY_MS = 1000;

export interface MemoryState {
  rssBytes: number;
  limitBytes: number;
  limitSource: string;
  threshold: number;
  paused: boolean;
}

/**
 * Above MEMORY_THRESHOLD of its limit a worker stops taking new jobs (its active jobs go
 * on), warns once, and takes jobs again once back under 90 % of the threshold; other
 * workers take the queue meanwhile. Better than being killed mid-job by the OOM killer
 * or pm2's max_memory_restart.
 */
@Injectable()
export class MemoryGuard implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MemoryGuard.name);
  private readonly limit: { bytes: number; source: string };
  private timer?: NodeJS.Timeout;
  private paused = false;
  private rss = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly lifecycle: WorkerLifecycle,
    private readonly activity: WorkerActivity,
  ) {
    this.limit = memoryLimit(config.env.WORKER_MEMORY_LIMIT_MB);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
    void this.check();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  state(): MemoryState {
    return {
      rssBytes: this.rss,
      limitBytes: this.limit.bytes,
      limitSource: this.limit.source,
      threshold: this.config.env.MEMORY_THRESHOLD,
      paused: this.paused,
    };
  }

  private async check(): Promise<void> {
    this.rss = process.memoryUsage.rss();
    const threshold = this.config.env.MEMORY_THRESHOLD;
    const pause = shouldPause(this.rss, this.limit.bytes, threshold, this.paused);
    if (pause === this.paused || this.activity.isDraining) return;
    this.paused = pause;
    const facts = {
      rssMiB: Math.round(this.rss / 2 ** 20),
      limitMiB: Math.round(this.limit.bytes / 2 ** 20),
      limitSource: this.limit.source,
      threshold,
    };
    if (pause) {
      this.logger.warn(facts, 'Memory above MEMORY_THRESHOLD: taking no new jobs until it falls');
      await Promise.all(this.lifecycle.workers().map((worker) => worker.pause(true))).catch(() => undefined);
    } else {
      this.logger.log(facts, 'Memory back under MEMORY_THRESHOLD: taking jobs again');
      for (const worker of this.lifecycle.workers()) worker.resume();
    }
  }
}
