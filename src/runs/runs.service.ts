import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
  ConflictException,
  GoneException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import { FairQueues } from '../queues/fair/fair-queues';
import { JobRowCancelRequest } from '../queues/job-row-cancel-request';
import { REDIS } from '../redis/redis.module';
import { newRun, newRunInsert } from './new-run';
import { RunCapacity } from './run-capacity';
import { RUN_JOB, runJob, type RunJobData } from './run-job';
import { definitionLimits, isScriptRun, parseRunDefinition, RunDefinition } from './run-definition';
import { refusedRunUrls } from './run-url-check';
import { ARTIFACT_FILE_NAME, contentTypeOf, runKey } from './run-files';
import { RunArtifact } from './run-artifact.entity';
import { RunStepResult } from './run-step.entity';
import { RunTestResult } from './run-test.entity';
import { Run, RunStatus } from './run.entity';
import { IGNORE_RUNS_ENDED, RUNS_ENDED_HOOK, type RunsEndedHook } from './runs-ended-hook';
import { NO_SECRETS_CHECK, SECRETS_CHECK, type SecretsCheck } from './secrets-check';
import { specFileName, stepRunSpec } from './step-spec';

export type RunPage = CursorPage<Run>;

/** Runs on the API side: accept (validate, admit, store, queue), read, cancel. */
@Injectable()
export class RunsService {
  private readonly logger = new Logger(RunsService.name);
  private readonly cancels: JobRowCancelRequest<RunStatus, { id: string; suite_id: string | null; project_id: string }>;

  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(RunStepResult) private readonly steps: Repository<RunStepResult>,
    @InjectRepository(RunArtifact) private readonly artifacts: Repository<RunArtifact>,
    @InjectRepository(RunTestResult) private readonly tests: Repository<RunTestResult>,
    @InjectQueue(RUN_JOB.queue) private readonly queue: Queue<RunJobData>,
    @Inject(REDIS) redis: Redis,
    private readonly capacity: RunCapacity,
    private readonly fair: FairQueues,
    private readonly config: AppConfig,
    private readonly egress: AddressPolicy,
    @Optional() @Inject(RUNS_ENDED_HOOK) private readonly runsEnded: RunsEndedHook = IGNORE_RUNS_ENDED,
    // Optional: without the secrets feature every name passes (the worker then finds none).
    @Optional() @Inject(SECRETS_CHECK) private readonly secrets: SecretsCheck = NO_SECRETS_CHECK,
  ) {
    this.cancels = new JobRowCancelRequest(
      {
        table: 'runs',
        noun: 'Run',
        queued: RunStatus.queued,
        running: RunStatus.running,
        cancelled: RunStatus.cancelled,
        queuedReturns: 'id, suite_id, project_id',
      },
      {
        db: runs,
        queue,
        fair,
        redis,
        queuePrefix: config.env.QUEUE_PREFIX,
        // Their places go back; a suite whose last run in flight this was ends here: no worker needs to be alive.
        afterQueuedCancelled: async (cancelled) => {
          for (const [projectId, count] of countBy(cancelled.map(({ project_id }) => project_id)))
            await this.capacity.release(projectId, count);
          await this.settleSuites(cancelled.map(({ suite_id }) => suite_id));
        },
      },
    );
  }

  /** Accepts a run in `projectId` (the caller's): its secrets are looked up there; its place (429 when the platform or the project is full), its row, its job in the project's line. */
  async create(body: unknown, projectId: string): Promise<Run> {
    const definition = await this.checkDefinition(body, projectId);
    await this.capacity.admit(projectId);
    const run = newRun(definition, { projectId });
    try {
      const [row] = (await this.runs.query(...newRunInsert(run))) as Array<{ created_at: Date }>;
      run.createdAt = run.updatedAt = row.created_at;
    } catch (error) {
      await this.capacity.release(projectId);
      throw error;
    }
    await this.fair.enqueueOrWithdraw(this.queue, projectId, runJob(run), async () => {
      await this.runs.delete({ id: run.id });
      await this.capacity.release(projectId);
    });
    return run;
  }

  /** The same definition again, as a new run of the project (checked again: secrets and hosts may have changed). */
  async rerun(id: string, projectId: string): Promise<Run> {
    const run = await this.runs.findOne({ where: { id, projectId }, select: { id: true, definition: true } });
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    return this.create(run.definition, projectId);
  }

  /**
   * Field-by-field checks (a script's syntax and imports among them), then the egress rule
   * for every absolute URL (a 400 naming the step), then that a script's secrets are stored
   * in `projectId`. Suites and schedules use it too.
   */
  async checkDefinition(body: unknown, projectId: string): Promise<RunDefinition> {
    const { definition, errors } = await this.definitionProblems(body, projectId);
    if (!definition) throw new BadRequestException(errors);
    return definition;
  }

  /** The same checks, returning the problems instead of throwing (a suite names them per test). */
  async definitionProblems(
    body: unknown,
    projectId: string,
  ): Promise<{ definition?: RunDefinition; errors: string[] }> {
    const { definition, errors } = parseRunDefinition(body, definitionLimits(this.config.env));
    if (!definition) return { errors };
    const refused = await refusedRunUrls(definition, this.egress);
    if (isScriptRun(definition) && definition.secrets.length)
      for (const name of await this.secrets.missing(definition.secrets, projectId))
        refused.push(`secrets: ${name} is not a stored secret (POST /api/secrets)`);
    return refused.length ? { errors: refused } : { definition, errors: [] };
  }

  /** The runs of `projectId`; a scheduleId or suiteId of another project finds none (an empty page, not a 404). */
  list(
    projectId: string,
    query: {
      status?: RunStatus;
      scheduleId?: string;
      suiteId?: string;
      name?: string;
      createdAfter?: string;
      createdBefore?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<RunPage> {
    const qb = this.runs.createQueryBuilder('run').where('run.project_id = :projectId', { projectId });
    if (query.status) qb.andWhere('run.status = :status', { status: query.status });
    if (query.scheduleId) qb.andWhere('run.schedule_id = :scheduleId', { scheduleId: query.scheduleId });
    if (query.suiteId) qb.andWhere('run.suite_id = :suiteId', { suiteId: query.suiteId });
    // The name is text to find, never a pattern: LIKE's own characters are escaped.
    if (query.name)
      qb.andWhere(`run.name ILIKE :name ESCAPE '\\'`, { name: `%${query.name.replace(/[\\%_]/g, '\\$&')}%` });
    if (query.createdAfter) qb.andWhere('run.created_at >= :after', { after: query.createdAfter });
    if (query.createdBefore) qb.andWhere('run.created_at < :before', { before: query.createdBefore });
    return newestFirstPage(qb, 'created_at', (run) => run.createdAt, query);
  }

  /**
   * The run with its steps, tests and artifacts. A run of another project than `projectId`
   * is not found, exactly as an unknown id; null reads any run (a live update of a run
   * whose subscriber was checked already).
   */
  async get(id: string, projectId: string | null): Promise<Run> {
    const run = await this.runs.findOneBy(projectId === null ? { id } : { id, projectId });
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    run.steps = await this.stepsOf(id);
    run.tests = await this.testsOf(id);
    run.artifacts = await this.artifactsOf(id);
    return run;
  }

  /** A step run as a Playwright Test file (step-spec.ts); a script run's code is its definition (409). */
  async spec(id: string, projectId: string): Promise<{ fileName: string; text: string }> {
    const run = await this.runs.findOne({ where: { id, projectId }, select: { id: true, definition: true } });
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    const { definition } = run;
    if (isScriptRun(definition))
      throw new ConflictException(
        `Run ${id} is a script run: its code is its definition (GET /api/runs/${id}, definition.script.files)`,
      );
    return { fileName: specFileName(definition.name), text: stepRunSpec(definition) };
  }

  stepsOf(runId: string): Promise<RunStepResult[]> {
    return this.steps.find({ where: { runId }, order: { index: 'ASC' } });
  }

  testsOf(runId: string): Promise<RunTestResult[]> {
    return this.tests.find({ where: { runId }, order: { index: 'ASC' } });
  }

  async artifactsOf(runId: string): Promise<RunArtifact[]> {
    // Where its bytes are (sha256, object_key) is the store's business, not the client's.
    const shown = { runId: true, name: true, kind: true, contentType: true, sizeBytes: true, createdAt: true };
    return (
      await this.artifacts.find({ select: shown, where: { runId }, order: { createdAt: 'ASC', name: 'ASC' } })
    ).map((a) => Object.assign(a, { url: `/api/runs/${runId}/artifacts/${encodeURIComponent(a.name)}` }));
  }

  /**
   * A queued run leaves the queue and is cancelled here (its place goes back); a running one
   * is asked to stop through Redis (whichever worker holds it aborts it and records `cancelled`).
   */
  async cancel(id: string, projectId: string): Promise<{ id: string; status: RunStatus; cancelRequested: boolean }> {
    await this.assertExists(id, projectId);
    return this.cancels.cancel(id);
  }

  /** Whether run `id` exists in `projectId` (a run of another project does not, for its callers). */
  async exists(id: string, projectId: string): Promise<boolean> {
    const rows = (await this.runs.query(`SELECT 1 FROM runs WHERE id = $1 AND project_id = $2`, [id, projectId])) as [];
    return rows.length > 0;
  }

  /** 404 `Run <id> not found` unless run `id` is one of `projectId`'s: the same words for an unknown id. */
  async assertExists(id: string, projectId: string): Promise<void> {
    if (!(await this.exists(id, projectId))) throw new NotFoundException(`Run ${id} not found`);
  }

  /** When run `id`'s artifacts were removed (ARTIFACT_RETENTION_DAYS); null: not removed, or no such run of `projectId`. */
  async artifactsExpiredAt(id: string, projectId: string): Promise<Date | null> {
    const [run] = (await this.runs.query(`SELECT artifacts_expired_at FROM runs WHERE id = $1 AND project_id = $2`, [
      id,
      projectId,
    ])) as Array<{ artifacts_expired_at: Date | null }>;
    return run?.artifacts_expired_at ?? null;
  }

  /** Cancels every run of a suite that has not ended, the same way. */
  async cancelSuiteRuns(suiteId: string): Promise<{ queued: string[]; running: string[] }> {
    const { queued, running } = await this.cancels.cancelWhere('suite_id', suiteId);
    return { queued: queued.map(({ id }) => id), running };
  }

  /** Each suite named, settled if none of its runs is in flight; a failure leaves it to its parent job (a worker). */
  private async settleSuites(suiteIds: Array<string | null>): Promise<void> {
    for (const suiteId of new Set(suiteIds.filter((id): id is string => id !== null))) {
      await this.runsEnded
        .suiteRunsEnded(suiteId)
        .catch((err: unknown) =>
          this.logger.warn({ err, suiteId }, 'Could not settle a suite after a cancel; its parent job will'),
        );
    }
  }

  /** The store key of an artifact the run kept, and its media type (the file is read by sendStoredFile). */
  async artifact(id: string, name: string, projectId: string): Promise<{ key: string; contentType: string }> {
    if (!ARTIFACT_FILE_NAME.test(name)) throw new BadRequestException(['name is not an artifact name']);
    // Another project's run has no artifacts for this caller: the same answer as an unknown run.
    const [artifact] = (await this.artifacts.query(
      `SELECT a.run_id, a.object_key, r.artifacts_expired_at FROM runs r
         LEFT JOIN run_artifacts a ON a.run_id = r.id AND a.name = $2
        WHERE r.id = $1 AND r.project_id = $3`,
      [id, name, projectId],
    )) as Array<{ run_id: string | null; object_key: string | null; artifacts_expired_at: Date | null }>;
    if (artifact?.run_id == null) {
      if (artifact?.artifacts_expired_at) throw artifactsExpired(id, artifact.artifacts_expired_at);
      throw new NotFoundException(`Run ${id} has no artifact ${name}`);
    }
    return { key: artifact.object_key ?? runKey(id, name), contentType: contentTypeOf(name) };
  }
}

/** How many times each value occurs. */
function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** 410: the run kept files once, and ARTIFACT_RETENTION_DAYS removed them (the run itself stays). */
export function artifactsExpired(runId: string, at: Date): GoneException {
  return new GoneException(
    `Run ${runId}'s artifacts were removed on ${at.toISOString()}: they are kept ARTIFACT_RETENTION_DAYS after a run ends`,
  );
}
