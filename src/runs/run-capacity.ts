import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';
import { RejectionSummary } from '../logging/rejection-summary';
import { ProjectSettings } from '../projects/project-settings';
import { REDIS } from '../redis/redis.module';
import { scanKeys } from '../redis/scan-keys';
import { RUN_JOB } from './run-job';

const RETRY_AFTER_SECONDS = 5;
const RECONCILE_MS = 10_000;

/** Refused for capacity: 429 with Retry-After, the same for REST and GraphQL. */
export class OverCapacityException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    queued: number,
    /** Set when it is the project's own queued limit that is reached, not the platform's. */
    projectLimit = false,
  ) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: projectLimit
          ? `Project at capacity: ${queued} of its runs are waiting (its queued limit, queuedLimit). Retry after ${retryAfterSeconds} s.`
          : `At capacity: ${queued} runs are waiting (QUEUED_CAPACITY). Retry after ${retryAfterSeconds} s.`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * INCRBY count on the platform's counter (KEYS[1], cap ARGV[1]) and the project's (KEYS[2],
 * cap ARGV[3], negative for none) if all of them fit under both, atomically: both or
 * neither. Returns the new count, -1 when the platform is full, -2 when the project is.
 */
const ADMIT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local count = tonumber(ARGV[2] or '1')
if n + count > tonumber(ARGV[1]) then return -1 end
local projectCap = tonumber(ARGV[3] or '-1')
if projectCap >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') + count > projectCap then return -2 end
redis.call('INCRBY', KEYS[2], count)
return redis.call('INCRBY', KEYS[1], count)`;
/** DECRBY on each key, never below zero. */
const RELEASE = `
local by = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n - by <= 0 then redis.call('SET', key, 0) else redis.call('DECRBY', key, by) end
end
return 1`;

/** The two scripts as commands of the client: EVALSHA per call, the script text sent once. */
interface CapacityCommands {
  stevedoreAdmitRuns(
    global: string,
    project: string,
    capacity: number,
    count: number,
    projectCap: number,
  ): Promise<number>;
  stevedoreReleaseRunPlaces(global: string, project: string, count: number): Promise<number>;
}
function commands(redis: Redis): CapacityCommands {
  const client = redis as Redis & Partial<CapacityCommands>;
  if (!client.stevedoreAdmitRuns) {
    client.defineCommand('stevedoreAdmitRuns', { numberOfKeys: 2, lua: ADMIT });
    client.defineCommand('stevedoreReleaseRunPlaces', { numberOfKeys: 2, lua: RELEASE });
  }
  return client as Redis & CapacityCommands;
}

export const queuedRunsKey = (prefix: string) => `${prefix}:capacity:${RUN_JOB.queue}:queued`;
/** A project's own count of waiting runs, next to the platform's. */
export const projectQueuedRunsKey = (prefix: string, projectId: string) => `${queuedRunsKey(prefix)}:${projectId}`;

/** What a project may have waiting: its queued limit, or null for only the platform's. */
export interface ProjectPlaces {
  projectId: string;
  queuedLimit: number | null;
}

/**
 * Takes `count` waiting places if all fit under `capacity` and the project's queued limit
 * (a suite's runs: all or none); 'full' when the platform is, 'project-full' when the project is.
 */
export async function takeRunPlace(
  redis: Redis,
  prefix: string,
  capacity: number,
  project: ProjectPlaces,
  count = 1,
): Promise<'taken' | 'full' | 'project-full'> {
  const taken = await commands(redis).stevedoreAdmitRuns(
    queuedRunsKey(prefix),
    projectQueuedRunsKey(prefix, project.projectId),
    capacity,
    count,
    project.queuedLimit ?? -1,
  );
  return taken === -1 ? 'full' : taken === -2 ? 'project-full' : 'taken';
}

/** Gives `count` waiting places of the project back; used by the API (cancel) and the worker (run started). */
export function releaseRunPlaces(redis: Redis, prefix: string, projectId: string, count = 1): Promise<unknown> {
  return commands(redis).stevedoreReleaseRunPlaces(
    queuedRunsKey(prefix),
    projectQueuedRunsKey(prefix, projectId),
    count,
  );
}

/**
 * Admission for runs: at most QUEUED_CAPACITY waiting (an atomic counter in Redis, shared
 * by every API instance), and at most a project's queued limit of its own (a counter per
 * project, taken in the same script: both or neither); at most RUNNING_CAPACITY running
 * (the fair layer's cap, and BullMQ's global concurrency on the test-runs queue as the last
 * word). The counters are reconciled against the database's queued runs, so a crash cannot
 * leave them wrong for long.
 */
@Injectable()
export class RunCapacity implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunCapacity.name);
  private readonly prefix: string;
  private timer?: NodeJS.Timeout;
  /** Per counter key: the excess over the database seen on the last check. */
  private readonly lastExcess = new Map<string, number>();
  private ticking = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(RUN_JOB.queue) private readonly queue: Queue,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly rejections: RejectionSummary,
    private readonly settings: ProjectSettings,
  ) {
    this.prefix = config.env.QUEUE_PREFIX;
    // Defined before any request's command: with auto-pipelining (the API), a pipeline
    // built earlier in the same tick (the key's rate limit) could not send them.
    commands(redis);
  }

  /** In the background: the API must start (and report Redis down) even when Redis is not there. */
  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), RECONCILE_MS);
    this.timer.unref();
  }

  /** Keeps the global concurrency set (a Redis that lost its data forgets it) and the counters true. */
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

  /** Before the shutdown sequence closes Redis: a tick after that would report Redis as down. */
  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Takes `count` waiting places (one per run) for the project, or throws 429 naming the limit reached. */
  async admit(projectId: string, count = 1): Promise<void> {
    const { queuedLimit } = await this.settings.limitsOf(projectId);
    const capacity = this.config.env.QUEUED_CAPACITY;
    const taken = await takeRunPlace(this.redis, this.prefix, capacity, { projectId, queuedLimit }, count);
    if (taken === 'taken') return;
    // Counted and summarised, not logged one line per request: under load there are thousands.
    this.rejections.refused('capacity');
    if (taken === 'project-full') throw new OverCapacityException(RETRY_AFTER_SECONDS, queuedLimit ?? 0, true);
    throw new OverCapacityException(RETRY_AFTER_SECONDS, capacity);
  }

  /** Gives the project's waiting places back (the runs were cancelled, or never got queued). */
  async release(projectId: string, count = 1): Promise<void> {
    await releaseRunPlaces(this.redis, this.prefix, projectId, count).catch((err: unknown) =>
      outageLog.fault(this.logger, err, 'Could not release a run place', {}, 'warn'),
    );
  }

  /**
   * Brings each counter (the platform's, each project's) back to the database's count of
   * queued runs. In normal operation a counter is at least that count (a place is taken
   * before the insert and given back after the run leaves `queued`), so a counter below it
   * (Redis lost its data) is raised at once. A counter above it may be a request in
   * flight, so only an excess seen on two checks in a row (a place leaked by a crash) is
   * given back.
   */
  async reconcile(): Promise<void> {
    try {
      const rows = (await this.dataSource.query(
        `SELECT project_id, count(*)::int AS n FROM runs WHERE status = 'queued' GROUP BY project_id`,
      )) as Array<{ project_id: string; n: number }>;
      const expected = new Map<string, number>([[queuedRunsKey(this.prefix), rows.reduce((sum, r) => sum + r.n, 0)]]);
      for (const row of rows) expected.set(projectQueuedRunsKey(this.prefix, row.project_id), row.n);
      // Counters of projects with nothing queued any more go back to zero the same way.
      for (const key of await this.projectCounterKeys()) if (!expected.has(key)) expected.set(key, 0);
      for (const [key, queued] of expected) await this.reconcileCounter(key, queued);
    } catch (err) {
      outageLog.fault(this.logger, err, 'Could not reconcile run capacity', {}, 'warn');
    }
  }

  private projectCounterKeys(): Promise<string[]> {
    return scanKeys(this.redis, `${queuedRunsKey(this.prefix)}:*`);
  }

  private async reconcileCounter(key: string, queued: number): Promise<void> {
    const counter = Number((await this.redis.get(key)) ?? 0);
    if (counter < queued) {
      await this.redis.incrby(key, queued - counter);
      this.lastExcess.set(key, 0);
      return;
    }
    const leak = Math.min(this.lastExcess.get(key) ?? 0, counter - queued);
    this.lastExcess.set(key, counter - queued - Math.max(leak, 0));
    if (leak > 0) {
      await this.redis.eval(RELEASE, 1, key, leak);
      this.logger.warn({ leak }, 'Reclaimed run places leaked by a crash');
    }
  }
}
