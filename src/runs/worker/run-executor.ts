import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DelayedError, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Video } from 'playwright-core';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ArtifactStore } from '../../artifacts/artifact-store';
import { AppConfig } from '../../config/app-config.service';
import { REDIS } from '../../redis/redis.module';
import { JobRunKit } from '../../worker-runtime/job-run-kit';
import type { JobStop } from '../../worker-runtime/job-stop';
import { STOP_REASONS, type StopReason } from '../../worker-runtime/stop-reasons';
import { BrowserPool } from '../../browser/browser-pool';
import { releaseRunPlaces } from '../run-capacity';
import { isScriptRun, type RunDefinition, type RunStep, type ScriptRunDefinition } from '../run-definition';
import { contentTypeOf, runDirectory, runKey, runKeyPrefix } from '../run-files';
import { NO_RUN_HOOKS, RUN_HOOKS, type RunHooks } from './run-hooks';
import type { RunProgress } from '../run-progress';
import { RUN_JOB, type RunJobData } from '../run-job';
import { RunArtifact } from '../run-artifact.entity';
import { RunStepResult } from '../run-step.entity';
import { RunStatus } from '../run.entity';
import { performStep } from './step-actions';
import { ScriptRunner } from './script/script-runner';
import { SandboxUnavailableError } from '../../sandbox/sandbox';

import { Redactor } from '../../secrets/redactor';
import { inSpan } from '../../tracing/spans';
import { SecretsUnavailableError, SecretsVault } from '../../secrets/secrets-vault';

const NO_SECRETS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A run whose claim gate is shut (its suite at its limit of runs at once) is tried again after this (plus jitter). */
const SUITE_DEFER_MS = 500;

interface Claimed {
  definition: RunDefinition;
  previous: RunStatus;
  attempt: number;
  suite_id: string | null;
  /** Its project: whose secrets it may read. */
  project_id: string;
}

export interface RunOutcome {
  status: RunStatus | 'skipped';
  error?: string;
}

const short = (message: string) => message.slice(0, 4000);
/** What a step acted on, as stored and reported. */
const stepTarget = (step: RunStep) => step.selector ?? step.url ?? step.name ?? step.text ?? null;
/** What a stopped step says: a shutdown's words are kept on the step, though the run itself is handed back. */
const stopMessage = (reason: StopReason | undefined, timeoutMs: number) =>
  reason === STOP_REASONS.timeout
    ? `run timed out after ${timeoutMs} ms`
    : reason === STOP_REASONS.cancel
      ? 'run cancelled'
      : 'worker shutting down';

/**
 * Runs one browser test: claims the run, takes a prepared context, performs the steps
 * (each stored and reported as it ends), keeps screenshots, trace and video as asked,
 * and stores the end state. A failed step is a result (`failed`); a browser that dies
 * is a fault, thrown so BullMQ retries it, and `error` after the last attempt.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(RunStepResult) private readonly steps: Repository<RunStepResult>,
    @InjectRepository(RunArtifact) private readonly artifacts: Repository<RunArtifact>,
    private readonly pool: BrowserPool,
    private readonly scripts: ScriptRunner,
    private readonly secrets: SecretsVault,
    private readonly config: AppConfig,
    private readonly store: ArtifactStore,
    @Inject(REDIS) private readonly redis: Redis,
    // Optional: a worker without suites runs every run at once, with no one to tell.
    @Optional() @Inject(RUN_HOOKS) private readonly hooks: RunHooks = NO_RUN_HOOKS,
  ) {}

  async execute(job: Job<RunJobData>, runId: string, signal: AbortSignal, token?: string): Promise<RunOutcome> {
    const kit = new JobRunKit(this.dataSource, RUN_JOB.rows, runId, job, signal);
    const claimed = await inSpan('run claim', { 'stevedore.run.id': runId }, async (span) => {
      const claim = await this.claimOrDefer(job, runId, token);
      span.setAttribute('stevedore.run.claimed', claim !== undefined);
      return claim;
    });
    const suiteId = claimed?.suite_id ?? job.data.suiteId;
    if (!claimed) {
      const settled = await kit.settleUnclaimed();
      await this.hooks.runEnded({ runId, suiteId });
      return { status: settled === 'cancelled' ? RunStatus.cancelled : 'skipped' };
    }
    const { previous, attempt } = claimed;
    if (previous === RunStatus.queued)
      await releaseRunPlaces(this.redis, this.config.env.QUEUE_PREFIX, claimed.project_id).catch(() => undefined);
    await job
      .updateProgress({ type: 'status', status: RunStatus.running, attempt } satisfies RunProgress)
      .catch(() => undefined);
    await this.hooks
      .runStarted({ runId, suiteId })
      .catch((err: unknown) => this.logger.warn({ runId, suiteId, err }, 'Could not mark the suite running'));
    try {
      return await this.perform(job, kit, runId, claimed);
    } finally {
      await this.hooks.runEnded({ runId, suiteId });
    }
  }

  private async perform(job: Job, kit: JobRunKit, runId: string, claimed: Claimed): Promise<RunOutcome> {
    const { definition, attempt } = claimed;
    if (isScriptRun(definition)) return this.performScript(job, kit, runId, attempt, definition, claimed.project_id);
    const dir = runDirectory(this.config.env.ARTIFACTS_DIR, runId);
    // A retry (or a replay) starts clean: no duplicated step results or files from an
    // interrupted attempt. A first attempt has none, and skips the three round trips.
    if (attempt > 1) {
      await this.steps.delete({ runId });
      await this.artifacts.delete({ runId });
      await this.store.deletePrefix(runKeyPrefix(runId));
      await rm(dir, { recursive: true, force: true });
    }
    await mkdir(dir, { recursive: true });

    const stop = kit.startStop(definition.options.timeoutMs);
    const started = Date.now();
    let context: BrowserContext | undefined;
    let video: Video | undefined;
    let outcome: RunOutcome | undefined;
    let fault: unknown;
    try {
      context = await inSpan('run browser context', { 'stevedore.run.id': runId }, () =>
        this.pool.acquire({ videoDir: definition.options.video ? join(dir, '.video') : undefined }),
      );
      video = context.pages()[0]?.video() ?? undefined;
      outcome = await this.runSteps(job, runId, attempt, definition, context, dir, stop);
    } catch (error) {
      fault = error;
    } finally {
      stop.dispose();
    }
    // Files first (the video is written when its context closes), then the end state, so
    // a client that sees the run ended finds all its artifacts. Without a video nothing is
    // left to write: the context closes while the worker takes its next job.
    if (outcome) {
      const ended = outcome;
      await inSpan(
        'run store results',
        { 'stevedore.run.id': runId, 'stevedore.run.status': ended.status },
        async () => {
          if (context && video) await this.closeContext(runId, context, dir, video);
          await this.clearStaging(runId);
          await this.finish(runId, ended, started);
        },
      );
      if (context && !video) void this.pool.release(context);
      return outcome;
    }
    if (context) await this.closeContext(runId, context, dir, video);
    await this.clearStaging(runId);
    return kit.fault(fault, {
      prefix: 'browser fault: ',
      logger: this.logger,
      logFields: { runId },
      logMessage: 'Run hit a platform fault',
      retrying: (message) =>
        this.dataSource.query(`UPDATE runs SET error = $2, updated_at = now() WHERE id = $1`, [runId, message]),
      ended: (message) => this.finish(runId, { status: RunStatus.error, error: message }, started),
    });
  }

  /** A script run: Playwright Test in the sandbox (ScriptRunner); its faults take the same road as a step run's. */
  private async performScript(
    job: Job,
    kit: JobRunKit,
    runId: string,
    attempt: number,
    definition: ScriptRunDefinition,
    projectId: string,
  ): Promise<RunOutcome> {
    const stop = kit.startStop(definition.options.timeoutMs);
    const started = Date.now();
    try {
      const secrets = await this.revealSecrets(runId, projectId, definition.secrets ?? [], started);
      if (!secrets) return { status: RunStatus.error };
      const redactor = secrets === NO_SECRETS ? Redactor.none : new Redactor(secrets);
      const outcome = await inSpan('run script', { 'stevedore.run.id': runId }, () =>
        this.scripts.run(job, runId, attempt, definition, stop, secrets, (text) => redactor.text(text)),
      );
      await this.finish(runId, outcome, started);
      return outcome;
    } catch (fault) {
      // A worker that cannot sandbox will not learn to by retrying: the reason goes to the run now.
      if (fault instanceof SandboxUnavailableError) {
        const outcome = { status: RunStatus.error, error: fault.message };
        await this.finish(runId, outcome, started);
        return outcome;
      }
      return kit.fault(fault, {
        prefix: 'script run fault: ',
        logger: this.logger,
        logFields: { runId },
        logMessage: 'Script run hit a platform fault',
        retrying: (message) =>
          this.dataSource.query(`UPDATE runs SET error = $2, updated_at = now() WHERE id = $1`, [runId, message]),
        ended: (message) => this.finish(runId, { status: RunStatus.error, error: message }, started),
      });
    } finally {
      stop.dispose();
    }
  }

  /**
   * The run's secrets, from its own project; undefined (the run ended `error`, no retry can
   * help) when one is gone or unreadable.
   */
  private async revealSecrets(
    runId: string,
    projectId: string,
    names: string[],
    started: number,
  ): Promise<Record<string, string> | undefined> {
    if (!names.length) return NO_SECRETS;
    try {
      return await this.secrets.reveal(names, projectId);
    } catch (error) {
      if (!(error instanceof SecretsUnavailableError)) throw error;
      await this.finish(runId, { status: RunStatus.error, error: error.message }, started);
      return undefined;
    }
  }

  /**
   * The claim; when a hook gates it (a suite that limits its runs at once), only once the
   * gate lets it in, else the job is put off (moved to delayed, no attempt spent) and tried again soon.
   */
  private async claimOrDefer(job: Job<RunJobData>, runId: string, token?: string): Promise<Claimed | undefined> {
    // Without the job's lock (token) it cannot be put off: claimed at once.
    const gate = token ? this.hooks.claimGate(runId, job.data) : undefined;
    if (!gate) return this.claim(this.dataSource.manager, runId);
    const claimed = await this.dataSource.transaction(async (m) => ((await gate(m)) ? this.claim(m, runId) : 'shut'));
    if (claimed !== 'shut') return claimed;
    await job.moveToDelayed(Date.now() + SUITE_DEFER_MS + Math.floor(Math.random() * SUITE_DEFER_MS), token);
    throw new DelayedError();
  }

  /** queued (or running, after a crash or hand-back) → running; anything else is not ours to run. */
  private async claim(m: EntityManager, runId: string): Promise<Claimed | undefined> {
    const [rows] = (await m.query(
      `WITH prev AS (SELECT id, status FROM runs WHERE id = $1 FOR UPDATE)
       UPDATE runs r SET status = 'running', attempt = r.attempt + 1, worker = $2, started_at = clock_timestamp(), updated_at = now()
       FROM prev WHERE r.id = prev.id AND prev.status IN ('queued', 'running') AND NOT r.cancel_requested
       RETURNING r.definition, prev.status AS previous, r.attempt, r.suite_id, r.project_id`,
      [runId, this.config.workerName],
    )) as [Claimed[], number];
    return rows[0];
  }

  private async runSteps(
    job: Job,
    runId: string,
    attempt: number,
    def: RunDefinition,
    context: BrowserContext,
    dir: string,
    stopper: JobStop,
  ): Promise<RunOutcome> {
    // The processor routes script runs to their own runner; one here is a routing bug, not a run to guess at.
    if (isScriptRun(def)) throw new Error('A script run reached the step executor');
    const stop = stopper.signal;
    const page = context.pages()[0] ?? (await context.newPage());
    // Abort interrupts the action in flight: closing the page makes it throw at once.
    const interrupt = () => void page.close().catch(() => undefined);
    stop.addEventListener('abort', interrupt, { once: true });
    // Each step also races the stop: an action whose answer Playwright lost when its page
    // closed (see playwright-race-guard) would otherwise never settle.
    const stopped = new Promise<never>((_, reject) =>
      stop.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
    );
    stopped.catch(() => undefined);
    if (def.options.trace !== 'off')
      await context.tracing.start({ screenshots: true, snapshots: true, title: def.name });

    const screenshot = async (name: string, selector?: string) => {
      const path = join(dir, name);
      if (selector) await page.locator(selector).first().screenshot({ path, timeout: def.options.stepTimeoutMs });
      else await page.screenshot({ path, fullPage: true, timeout: def.options.stepTimeoutMs });
      await this.recordArtifact(runId, dir, name, 'screenshot');
      return name;
    };

    let outcome: RunOutcome = { status: RunStatus.passed };
    for (let index = 0; index < def.steps.length; index++) {
      const step = def.steps[index];
      if (stop.aborted) {
        await this.recordSkipped(runId, def.steps, index);
        break;
      }
      const attributes = {
        'stevedore.run.id': runId,
        'stevedore.step.index': index,
        'stevedore.step.action': step.action,
      };
      // One span per step: its database writes (and a failure's screenshot) are its children.
      const stepError = await inSpan('run step', attributes, async (span) => {
        const t0 = Date.now();
        let shot: string | undefined;
        let error: string | null = null;
        try {
          shot = await Promise.race([
            performStep(page, step, { baseUrl: def.baseUrl, timeoutMs: def.options.stepTimeoutMs, screenshot }),
            stopped,
          ]);
          if (def.options.screenshots === 'on' && step.action !== 'screenshot')
            shot = await screenshot(`step-${index}.png`);
        } catch (e) {
          error = this.explain(e as Error, context, t0);
        }
        if (stop.aborted) error = stopMessage(stopper.reason, def.options.timeoutMs);
        if (error && !stop.aborted) {
          if (!context.browser()?.isConnected()) throw new Error(`Chromium died during step ${index} (${step.action})`);
          // Always on failure, whatever options.screenshots says.
          shot = await screenshot(`step-${index}-failure.png`).catch(() => shot);
        }
        const status = error ? 'failed' : 'passed';
        const result = {
          index,
          action: step.action,
          target: stepTarget(step),
          status,
          durationMs: Date.now() - t0,
          error,
          screenshot: shot ?? null,
        };
        await this.saveStep(runId, result);
        await job.updateProgress({ type: 'step', attempt, ...result } satisfies RunProgress).catch(() => undefined);
        span.setAttribute('stevedore.step.status', status);
        return error;
      });
      if (stepError) {
        await this.recordSkipped(runId, def.steps, index + 1);
        outcome = stop.aborted
          ? this.stopOutcome(stopper.reason, stepError)
          : { status: RunStatus.failed, error: `step ${index} (${step.action}) failed: ${stepError}` };
        break;
      }
    }
    stopper.handBackIfShutdown();
    if (stop.aborted && outcome.status === RunStatus.passed)
      outcome = this.stopOutcome(stopper.reason, stopMessage(stopper.reason, def.options.timeoutMs));

    if (def.options.trace !== 'off') {
      const keep = def.options.trace === 'on' || outcome.status !== RunStatus.passed;
      await context.tracing
        .stop(keep ? { path: join(dir, 'trace.zip') } : {})
        .then(() => (keep ? this.recordArtifact(runId, dir, 'trace.zip', 'trace') : undefined))
        .catch((err: unknown) => this.logger.warn({ runId, err }, 'Could not save the trace'));
    }
    return outcome;
  }

  private stopOutcome(reason: StopReason | undefined, error: string): RunOutcome {
    return { status: reason === STOP_REASONS.timeout ? RunStatus.timed_out : RunStatus.cancelled, error };
  }

  /**
   * Playwright's message, and why the egress guard refused requests of this run during the
   * step: first when the step failed on a network error (the refused request is what
   * failed it), after the message otherwise (a frame or script that never came may be why
   * the step waited).
   */
  private explain(error: Error, context: BrowserContext, stepStarted: number): string {
    const refusals = this.pool.refusalsSince(context, stepStarted);
    if (!refusals.length) return short(error.message);
    if (/net::ERR_/.test(error.message))
      return short(`request refused by the egress guard: ${refusals[0]}\n${error.message}`);
    return short(`${error.message}\nrequests refused by the egress guard during this step: ${refusals.join('; ')}`);
  }

  /** A step's result, stored before its live event: one plain statement (TypeORM's upsert builder costs more than the write). */
  private async saveStep(
    runId: string,
    step: Pick<RunStepResult, 'index' | 'action' | 'target' | 'status' | 'durationMs' | 'error' | 'screenshot'>,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO run_steps (run_id, "index", action, target, status, duration_ms, error, screenshot)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (run_id, "index") DO UPDATE SET action = EXCLUDED.action, target = EXCLUDED.target, status = EXCLUDED.status,
         duration_ms = EXCLUDED.duration_ms, error = EXCLUDED.error, screenshot = EXCLUDED.screenshot`,
      [runId, step.index, step.action, step.target, step.status, step.durationMs, step.error, step.screenshot],
    );
  }

  private async recordSkipped(runId: string, steps: RunStep[], from: number): Promise<void> {
    const rest = steps.slice(from).map((step, i) => ({
      runId,
      index: from + i,
      action: step.action,
      target: stepTarget(step),
      status: 'skipped',
      durationMs: 0,
      error: null,
      screenshot: null,
    }));
    if (rest.length) await this.steps.upsert(rest, ['runId', 'index']);
  }

  /** A file written in the run's folder: stored (uploaded, for object storage) as soon as it is done, then listed. */
  private async recordArtifact(runId: string, dir: string, name: string, kind: string): Promise<void> {
    const { size } = await stat(join(dir, name));
    await this.store.publishContent(runKey(runId, name), contentTypeOf(name), async ({ sha256, objectKey }) => {
      await this.artifacts.upsert(
        { runId, name, kind, contentType: contentTypeOf(name), sizeBytes: size, sha256, objectKey },
        ['runId', 'name'],
      );
    });
  }

  private async closeContext(runId: string, context: BrowserContext, dir: string, video?: Video): Promise<void> {
    await this.pool.release(context);
    if (!video) return;
    try {
      await rename(await video.path(), join(dir, 'video.webm'));
      await rm(join(dir, '.video'), { recursive: true, force: true });
      await this.recordArtifact(runId, dir, 'video.webm', 'video');
    } catch (err) {
      this.logger.warn({ runId, err }, 'Could not keep the video');
    }
  }

  /** What a run left staged on this worker (object storage: the uploads are done, the folder goes). */
  private async clearStaging(runId: string): Promise<void> {
    await this.store
      .clearStaging(runKeyPrefix(runId))
      .catch((err: unknown) => this.logger.warn({ runId, err }, "Could not clear the run's staging folder"));
  }

  private async finish(runId: string, outcome: RunOutcome, started: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE runs SET status = $2, error = $3, finished_at = now(), duration_ms = $4, updated_at = now() WHERE id = $1`,
      [runId, outcome.status, outcome.error ?? null, Date.now() - started],
    );
  }
}
