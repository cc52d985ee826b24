import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';
import { RejectionSummary } from '../logging/rejection-summary';
import { REDIS } from '../redis/redis.module';
import { RUN_JOB } from './run-job';

const RETRY_AFTER_SECONDS = 5;
const RECONCILE_MS = 10_000;

/** Refused for capacity: 429 with Retry-After, the same for REST and GraphQL. */
export class OverCapacityException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    queued: number,
  ) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `At capacity: ${queued} runs are waiting (QUEUED_CAPACITY). Retry after ${retryAfterSeconds} s.`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** INCRBY count if all of them fit under the cap, atomically; returns the new count or -1 when full. */
const ADMIT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local count = tonumber(ARGV[2] or '1')
if n + count > tonumber(ARGV[1]) then return -1 end
return redis.call('INCRBY', KEYS[1], count)`;
/** DECRBY, never below zero. */
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local by = tonumber(ARGV[1])
if n - by <= 0 then redis.call('SET', KEYS[1], 0) return 0 end
return redis.call('DECRBY', KEYS[1], by)`;

/** The two scripts as commands of the client: EVALSHA per call, the script text sent once. */
interface CapacityCommands {
  stevedoreAdmitRun(key: string, capacity: number, count: number): Promise<number>;
  stevedoreReleaseRuns(key: string, count: number): Promise<number>;
}
function commands(redis: Redis): CapacityCommands {
  const client = redis as Redis & Partial<CapacityCommands>;
  if (!client.stevedoreAdmitRun) {
    client.defineCommand('stevedoreAdmitRun', { numberOfKeys: 1, lua: ADMIT });
    client.defineCommand('stevedoreReleaseRuns', { numberOfKeys: 1, lua: RELEASE });
  }
  return client as Redis & CapacityCommands;
}

export const queuedRunsKey = (prefix: string) => `${prefix}:capacity:${RUN_JOB.queue}:queued`;

/** Takes `count` waiting places if all fit under `capacity` (a suite's runs: all or none); false when full. */
export async function takeRunPlace(redis: Redis, prefix: string, capacity: number, count = 1): Promise<boolean> {
  return (await commands(redis).stevedoreAdmitRun(queuedRunsKey(prefix), capacity, count)) >= 0;
}

/** Gives `count` waiting places back; used by the API (cancel) and the worker (run started). */
export function releaseRunPlaces(redis: Redis, prefix: string, count = 1): Promise<unknown> {
  return commands(redis).stevedoreReleaseRuns(queuedRunsKey(prefix), count);
}

/**
 * Admission for runs: at most QUEUED_CAPACITY waiting (an atomic counter in Redis, shared
 * by every API instance) and at most RUNNING_CAPACITY running (BullMQ's global
 * concurrency on the test-runs queue, enforced across all workers). The counter is
 * reconciled against the database's queued runs, so a crash cannot leave it wrong for long.
 */
@Injectable()
export class RunCapacity implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunCapacity.name);
  private readonly key: string;
  private timer?: NodeJS.Timeout;
  private lastExcess = 0;
  private ticking = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(RUN_JOB.queue) private readonly queue: Queue,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly rejections: RejectionSummary,
  ) {
    this.key = queuedRunsKey(config.env.QUEUE_PREFIX);
  }

  /** In the background: the API must start (and report Redis down) even when Redis is not there. */
  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), RECONCILE_MS);
    this.timer.unref();
  }

  /** Keeps the global concurrency set (a Redis that lost its data forgets it) and the counter true. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.queue.setGlobalConcurrency(this.config.env.RUNNING_CAPACITY);
      await this.reconcile();
    } catch (err) {
      outageLog.fault(this.logger, err, 'Could not apply run capacity', {}, 'warn');
    } finally {
      this.ticking = false;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Takes `count` waiting places (one per run), or throws 429. */
  async admit(count = 1): Promise<void> {
    if (!(await takeRunPlace(this.redis, this.config.env.QUEUE_PREFIX, this.config.env.QUEUED_CAPACITY, count))) {
      // Counted and summarised, not logged one line per request: under load there are thousands.
      this.rejections.refused('capacity');
      throw new OverCapacityException(RETRY_AFTER_SECONDS, this.config.env.QUEUED_CAPACITY);
    }
  }

  /** Gives waiting places back (the runs were cancelled, or never got queued). */
  async release(count = 1): Promise<void> {
    await releaseRunPlaces(this.redis, this.config.env.QUEUE_PREFIX, count).catch((err: unknown) =>
      outageLog.fault(this.logger, err, 'Could not release a run place', {}, 'warn'),
    );
  }

  /**
   * Brings the counter back to the database's count of queued runs. In normal operation
   * the counter is at least that count (a place is taken before the insert and given back
   * after the run leaves `queued`), so a counter below it (Redis lost its data) is raised
   * at once. A counter above it may be a request in flight, so only an excess seen on two
   * checks in a row (a place leaked by a crash) is given back.
   */
  async reconcile(): Promise<void> {
    try {
      const [{ n: queued }] = (await this.dataSource.query(
        `SELECT count(*)::int AS n FROM runs WHERE status = 'queued'`,
      )) as Array<{ n: number }>;
      const counter = Number((await this.redis.get(this.key)) ?? 0);
      if (counter < queued) {
        await this.redis.incrby(this.key, queued - counter);
        this.lastExcess = 0;
        return;
      }
      const leak = Math.min(this.lastExcess, counter - queued);
      this.lastExcess = counter - queued;
      if (leak > 0) {
        await releaseRunPlaces(this.redis, this.config.env.QUEUE_PREFIX, leak);
        this.lastExcess -= leak;
        this.logger.warn({ leak }, 'Reclaimed run places leaked by a crash');
      }
    } catch (err) {
      outageLog.fault(this.logger, err, 'Could not reconcile run capacity', {}, 'warn');
    }
  }
}
