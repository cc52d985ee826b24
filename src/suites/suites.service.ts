import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import isUUID from 'validator/lib/isUUID';
import type { FlowProducer, Queue } from 'bullmq';
import { DataSource, In, Repository } from 'typeorm';
import { isObject } from '../validation/body-checks';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import { FairQueues } from '../queues/fair/fair-queues';
import { FLOW_PRODUCER } from '../queues/flow-producer';
import { RUN_JOB } from '../runs/run-job';
import { SUITE_JOB } from './suite-job';
import { RunCapacity } from '../runs/run-capacity';
import type { RunDefinition } from '../runs/run-definition';
import { DEFAULT_PRIORITY } from '../validation/request-fields';
import { Run } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { queueSuite, storeSuite, SuitePlan, type SuiteQueues } from './suite-launch';
import { maxTestsOf, parseSuiteRequest, SuiteRequest } from './suite-request';
import { rerunRequest, rerunStatuses, type SuiteRerunOnly } from './suite-rerun';
import { FINAL_SUITE_STATUSES, Suite, SuiteStatus } from './suite.entity';

/** Suites on the API side: accept (validate every test, admit all its runs, store, queue one flow), read, cancel, rerun. */
@Injectable()
export class SuitesService {
  private readonly logger = new Logger(SuitesService.name);
  private readonly queues: SuiteQueues;

  constructor(
    @InjectRepository(Suite) private readonly suites: Repository<Suite>,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectFlowProducer(FLOW_PRODUCER) flows: FlowProducer,
    @InjectQueue(SUITE_JOB.queue) suiteQueue: Queue,
    @InjectQueue(RUN_JOB.queue) runQueue: Queue,
    fair: FairQueues,
    private readonly db: DataSource,
    private readonly runService: RunsService,
    private readonly capacity: RunCapacity,
    private readonly config: AppConfig,
    private readonly egress: AddressPolicy,
  ) {
    this.queues = { flows, fair, suites: suiteQueue, runs: runQueue };
  }

  /** A suite of `projectId` (the caller's): its runs belong there too. */
  async create(body: unknown, projectId: string): Promise<Suite> {
    const { request, definitions } = await this.check(body, projectId);
    await this.capacity.admit(projectId, definitions.length);
    let plan: SuitePlan;
    try {
      plan = await this.db.transaction((m) => storeSuite(m, request, definitions, { projectId }));
    } catch (error) {
      await this.capacity.release(projectId, definitions.length);
      throw error;
    }
    await this.enqueueOrWithdraw(plan, projectId);
    return Object.assign(plan.suite, { runs: plan.runs });
  }

  /**
   * The suite's fields, every test by the runs' own rules (each problem prefixed with
   * `tests[i].`), then the egress rule for the webhook: every problem in one answer, the
   * tests' too when the suite's own fields are wrong. Secrets and `fromRun` are looked up in
   * `projectId`. Schedules use it too.
   */
  async check(body: unknown, projectId: string): Promise<{ request: SuiteRequest; definitions: RunDefinition[] }> {
    const maxTests = maxTestsOf(this.config.env);
    const { request, errors } = parseSuiteRequest(body, maxTests);
    const given =
      isObject(body) && Array.isArray(body.tests) && body.tests.length <= maxTests ? (body.tests as unknown[]) : [];
    const definitions: RunDefinition[] = [];
    const problems = [...errors];
    for (const [i, test] of (request?.tests ?? given).entries()) {
      const { test: resolved, error } = await this.resolveSaved(test, request?.priority ?? DEFAULT_PRIORITY, projectId);
      if (error) {
        problems.push(`tests[${i}].${error}`);
        continue;
      }
      const { definition, errors: testErrors } = await this.runService.definitionProblems(resolved, projectId);
      if (definition) definitions.push(definition);
      problems.push(...testErrors.map((error) => `tests[${i}].${error}`));
    }
    if (request?.webhookUrl) {
      const verdict = await this.egress.check(request.webhookUrl);
      if (!verdict.allowed) problems.push(`webhookUrl is not allowed: ${verdict.reason}`);
    }
    if (!request || problems.length) throw new BadRequestException(problems);
    return { request, definitions };
  }

  /**
   * A new suite of `projectId` with the settings of an ended suite of it and, as its tests,
   * the definitions its runs were accepted with: those that did not pass (`failed`: ended
   * failed, error or timed_out) or all of them, in their order. It is created as any suite
   * is (checked, admitted, stored, queued); a suite of another project is not found.
   */
  async rerun(id: string, only: SuiteRerunOnly, projectId: string): Promise<Suite> {
    const suite = await this.suites.findOneBy({ id, projectId });
    if (!suite) throw new NotFoundException(`Suite ${id} not found`);
    if (!FINAL_SUITE_STATUSES.includes(suite.status))
      throw new ConflictException(`Suite ${id} has not ended yet (${suite.status}): rerun it once it has`);
    const statuses = rerunStatuses(only);
    const runs = await this.runs.find({
      select: { definition: true },
      where: { suiteId: id, ...(statuses ? { status: In([...statuses]) } : {}) },
      order: { suiteIndex: 'ASC' },
    });
    if (!runs.length)
      throw new ConflictException(
        `Suite ${id} has no failed tests to rerun (it ended ${suite.status}); { "only": "all" } reruns every test`,
      );
    return this.create(
      rerunRequest(
        suite,
        runs.map((run) => run.definition),
      ),
      projectId,
    );
  }

  /**
   * A test given as `{ "fromRun": "<run id>" }` is that run's definition as it was
   * accepted (rerun a failed test), with the suite's priority. Checked again like any test:
   * the egress rule may have changed since. A run of another project is not found.
   */
  private async resolveSaved(
    test: unknown,
    priority: number,
    projectId: string,
  ): Promise<{ test?: unknown; error?: string }> {
    if (typeof test !== 'object' || test === null || !('fromRun' in test)) return { test };
    const { fromRun, ...rest } = test as { fromRun: unknown };
    if (Object.keys(rest).length)
      return { error: `fromRun stands alone: ${Object.keys(rest).join(', ')} cannot go with it` };
    if (typeof fromRun !== 'string' || !isUUID(fromRun)) return { error: 'fromRun must be the id (a UUID) of a run' };
    const [run] = (await this.db.query(`SELECT definition FROM runs WHERE id = $1 AND project_id = $2`, [
      fromRun,
      projectId,
    ])) as Array<{
      definition: RunDefinition;
    }>;
    if (!run) return { error: `fromRun: run ${fromRun} not found` };
    return { test: { ...run.definition, priority } };
  }

  /** Newest first, without their runs (GET one for those). */
  list(
    projectId: string,
    query: { status?: SuiteStatus; limit?: number; cursor?: string },
  ): Promise<CursorPage<Suite>> {
    const qb = this.suites.createQueryBuilder('s').where('s.project_id = :projectId', { projectId });
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    return newestFirstPage(qb, 'created_at', (suite) => suite.createdAt, query);
  }

  /**
   * The suite with its runs. One of another project than `projectId` is not found, exactly
   * as an unknown id; null reads any suite (a live update whose subscriber was checked already).
   */
  async get(id: string, projectId: string | null): Promise<Suite> {
    const suite = await this.suites.findOneBy(projectId === null ? { id } : { id, projectId });
    if (!suite) throw new NotFoundException(`Suite ${id} not found`);
    suite.runs = await this.runs.find({ where: { suiteId: id }, order: { suiteIndex: 'ASC' } });
    return suite;
  }

  /**
   * Flags the suite, then cancels its runs as a run's cancel does (queued ones now, running
   * ones through Redis). The suite ends `cancelled` when its last run has ended, with the
   * results so far.
   */
  async cancel(id: string, projectId: string): Promise<Suite> {
    const [flagged] = (await this.db.query(
      `UPDATE suites SET cancel_requested = true, updated_at = now() WHERE id = $1 AND project_id = $2 AND status IN ('queued', 'running') RETURNING id`,
      [id, projectId],
    )) as [unknown[], number];
    if (!flagged.length) {
      const suite = await this.suites.findOneBy({ id, projectId });
      if (!suite) throw new NotFoundException(`Suite ${id} not found`);
      throw new ConflictException(`Suite ${id} already ended (${suite.status})`);
    }
    const { queued, running } = await this.runService.cancelSuiteRuns(id);
    this.logger.log({ suiteId: id, queued: queued.length, running: running.length }, 'Suite cancel asked');
    return this.get(id, projectId);
  }

  /** The stored suite's jobs (see queueSuite); if Redis cannot take it, the rows and their places go and the caller gets 503. */
  private enqueueOrWithdraw(plan: SuitePlan, projectId: string): Promise<void> {
    return queueOrWithdraw(
      'suite',
      plan.suite.id,
      () => queueSuite(this.queues, projectId, plan),
      async () => {
        await this.db.transaction(async (m) => {
          await m.delete(Run, { suiteId: plan.suite.id });
          await m.delete(Suite, { id: plan.suite.id });
        });
        await this.capacity.release(projectId, plan.runs.length);
      },
    );
  }
}
