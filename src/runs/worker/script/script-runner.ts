import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { ScriptBrowser } from '../../../browser/script-browser';
import { ArtifactStore } from '../../../artifacts/artifact-store';
import { AppConfig } from '../../../config/app-config.service';
import type { SandboxExit } from '../../../sandbox/sandboxed-process';
import type { JobStop } from '../../../worker-runtime/job-stop';
import { STOP_REASONS } from '../../../worker-runtime/stop-reasons';
import { RunArtifact } from '../../run-artifact.entity';
import { contentTypeOf, runDirectory, runKey, runKeyPrefix } from '../../run-files';
import { RunTestResult, type TestAttachment } from '../../run-test.entity';
import { RunStatus } from '../../run.entity';
import { storeHtmlReport, storeJunitReport } from '../../report/store-html-report';
import { runnerConfig } from './runner-config';
import { copyAttachments } from './script-artifacts';
import { readScriptMessage } from './script-messages';
import { ScriptResults, type Redact } from './script-results';
import type { ScriptRunDefinition } from '../../run-definition';
import { ScriptSandboxes } from './script-sandboxes';
import { CONFIG_FILE, REPORTER_FILE, ScriptWorkspace } from './script-workspace';

export interface ScriptOutcome {
  status: RunStatus;
  error?: string;
}

const BREACHES = {
  memory: (env: AppConfig['env']) => `the script went past its memory cap (SCRIPT_MEMORY_MB=${env.SCRIPT_MEMORY_MB})`,
  processes: (env: AppConfig['env']) =>
    `the script went past its process cap (SCRIPT_PROCESS_LIMIT=${env.SCRIPT_PROCESS_LIMIT}): a fork bomb or a runaway spawn`,
  disk: (env: AppConfig['env']) => `the script wrote past its disk cap (SCRIPT_DISK_MB=${env.SCRIPT_DISK_MB})`,
} as const;

/**
 * Runs a script run's Playwright tests: writes its files into a fresh workspace, opens a
 * relay to the worker's browser, starts Playwright Test in the sandbox, stores each test
 * as the reporter says it ended, stops it all at a cancel, a timeout or a cap, then keeps
 * its artifacts and the run's HTML report and JUnit file. A platform failure (no sandbox,
 * the browser gone, the runner never starting) is thrown, for the job's retries; what the
 * tests did is a result.
 */
@Injectable()
export class ScriptRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScriptRunner.name);

  constructor(
    private readonly sandboxes: ScriptSandboxes,
    private readonly browser: ScriptBrowser,
    private readonly config: AppConfig,
    private readonly store: ArtifactStore,
    @InjectRepository(RunTestResult) private readonly tests: Repository<RunTestResult>,
    @InjectRepository(RunArtifact) private readonly artifacts: Repository<RunArtifact>,
  ) {}

  /** Workspaces of runs no worker can still be running (older than any job may last). */
  onApplicationBootstrap(): void {
    void ScriptWorkspace.removeStale(this.config.env.MAX_JOB_DURATION + 60_000);
  }

  async run(
    job: Job,
    runId: string,
    attempt: number,
    definition: ScriptRunDefinition,
    stop: JobStop,
    secrets: Record<string, string>,
    redact: Redact,
  ): Promise<ScriptOutcome> {
    const runDir = runDirectory(this.config.env.ARTIFACTS_DIR, runId);
    if (attempt > 1) {
      await this.tests.delete({ runId });
      await this.artifacts.delete({ runId });
      await this.store.deletePrefix(runKeyPrefix(runId));
      await rm(runDir, { recursive: true, force: true });
    }
    await mkdir(runDir, { recursive: true });
    const phases: Array<[string, number]> = [['start', Date.now()]];
    const ready = await this.sandboxes.take();
    const { workspace, paths } = ready;
    this.logger.log({ runId, sandbox: ready.name, sandboxed: ready.sandboxed }, 'Script run starting');
    const relay = await this.browser.open(workspace.socketPath, workspace.videoDir);
    const results = new ScriptResults(runId, attempt, this.tests, job, redact, this.logger);
    const killOnStop = () => void ready.process.kill();
    try {
      await workspace.writeFiles(definition.script.files);
      await workspace.writeConfig(
        runnerConfig(definition, { ...paths, reporter: `${paths.control}/${REPORTER_FILE}` }),
      );
      ready.listen((line) => {
        const message = readScriptMessage(line);
        if (!message) return;
        if (message.t !== 'test') phases.push([message.t, Date.now()]);
        results.handle(message);
      });
      stop.signal.addEventListener('abort', killOnStop, { once: true });
      if (stop.signal.aborted) killOnStop();
      ready.go({ ...definition.env, ...secrets }, ['test', '--config', `${paths.control}/${CONFIG_FILE}`]);
      phases.push(['go', Date.now()]);
      const exit = await ready.process.exit;
      await results.settled();
      await relay.close();

      const browserLost = !this.browser.isAlive(relay);
      const outcome = this.outcome(exit, results, stop);
      if (outcome === 'fault' || (browserLost && outcome.status !== RunStatus.passed && !stop.signal.aborted))
        throw new Error(
          browserLost
            ? 'Chromium (the worker’s script browser) died during the run'
            : `the test runner did not start: ${exit.stderr.trim().slice(-2000) || `exit code ${exit.code}`}`,
        );
      stop.handBackIfShutdown();
      phases.push(['exited', Date.now()]);
      await this.keepFiles(runId, runDir, workspace, paths.work, results, redact);
      // The report, written all at once, is stored all at once (uploaded, for object storage) before the run is seen ended.
      await this.store.publishFolder(runKeyPrefix(runId));
      phases.push(['kept', Date.now()]);
      this.logger.debug(
        { runId, phases: phases.map(([name, at]) => `${name}+${at - phases[0][1]}`).join(' ') },
        'Script run phases',
      );
      return outcome;
    } finally {
      stop.signal.removeEventListener('abort', killOnStop);
      await ready.process.kill();
      await relay.close();
      await workspace.remove().catch(() => undefined);
      await this.store.clearStaging(runKeyPrefix(runId)).catch(() => undefined);
    }
  }

  /** The run's state from how the runner ended; 'fault' when it never got to run the tests. */
  private outcome(exit: SandboxExit, results: ScriptResults, stop: JobStop): ScriptOutcome | 'fault' {
    if (exit.breach) return { status: RunStatus.failed, error: BREACHES[exit.breach](this.config.env) };
    if (stop.signal.aborted)
      return stop.reason === STOP_REASONS.timeout
        ? { status: RunStatus.timed_out, error: 'run timed out' }
        : {
            status: RunStatus.cancelled,
            error: stop.reason === STOP_REASONS.cancel ? 'run cancelled' : 'worker shutting down',
          };
    if (!results.begun) return 'fault';
    const ended = results.ended;
    if (!ended)
      return {
        status: RunStatus.failed,
        error: `the test runner exited (${exit.signal ?? `code ${exit.code}`}) before it finished: ${exit.stderr.trim().slice(-1000)}`,
      };
    if (ended.status === 'timedout') return { status: RunStatus.timed_out, error: 'run timed out' };
    const failures = results.failures();
    if (ended.status === 'passed' && failures.length === 0) return { status: RunStatus.passed };
    const first = failures[0];
    const runError = results.runErrors[0]?.message;
    return {
      status: RunStatus.failed,
      error: first
        ? `${failures.length} of ${results.testCount} tests failed; first: ${first.title}${first.error ? `: ${first.error}` : ''}`.slice(
            0,
            4000,
          )
        : (runError ?? 'the tests failed').slice(0, 4000),
    };
  }

  /** Attachments, then the report and JUnit file (the sandbox is gone: nothing can change them now). */
  private async keepFiles(
    runId: string,
    runDir: string,
    workspace: ScriptWorkspace,
    insideWork: string,
    results: ScriptResults,
    redact: Redact,
  ): Promise<void> {
    const toHost = (path: string) =>
      path.startsWith(`${insideWork}/`) ? workspace.workDir + path.slice(insideWork.length) : '';
    const copied = await copyAttachments(results.attachments, workspace.outDir, toHost, runDir, redact);
    const byTest = new Map<number, TestAttachment[]>();
    for (const file of copied) {
      await this.store.publishContent(runKey(runId, file.artifact), contentTypeOf(file.artifact), async (content) => {
        await this.artifacts.upsert(
          {
            runId,
            name: file.artifact,
            kind: file.kind,
            contentType: contentTypeOf(file.artifact),
            sizeBytes: file.size,
            ...content,
          },
          ['runId', 'name'],
        );
      });
      byTest.set(file.index, [
        ...(byTest.get(file.index) ?? []),
        { name: redact(file.name), contentType: file.contentType, artifact: file.artifact },
      ]);
    }
    for (const [index, attachments] of byTest) await this.tests.update({ runId, index }, { attachments });
    const report = await storeHtmlReport(join(workspace.outDir, 'report'), runDir, redact);
    if (report?.notRedacted.length)
      this.logger.warn({ runId, files: report.notRedacted }, 'Report files kept unredacted: past the redaction limits');
    const junit = await storeJunitReport(join(workspace.outDir, 'junit.xml'), runDir, redact);
    if (junit) {
      await this.store.publishContent(runKey(runId, 'junit.xml'), 'application/xml', async (content) => {
        await this.artifacts.upsert(
          {
            runId,
            name: 'junit.xml',
            kind: 'junit',
            contentType: 'application/xml',
            sizeBytes: junit.bytes,
            ...content,
          },
          ['runId', 'name'],
        );
      });
    }
  }
}
