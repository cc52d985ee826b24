import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { AppConfig } from '../config/app-config.service';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import type { RunDefinition } from '../runs/run-definition';
import { RunsService } from '../runs/runs.service';
import type { SuiteTemplate } from '../suites/suite-request';
import { SuitesService } from '../suites/suites.service';
import { SCHEDULE_TICK_JOB, tickTemplate } from './schedule-job';
import { parseScheduleRequest, scheduleRules, type ScheduleTarget } from './schedule-request';
import { Schedule } from './schedule.entity';

export type SchedulePage = CursorPage<Schedule>;

/** The suites' own messages (a 400), said of the schedule's `suite` field; anything else is not a bad request. */
function suiteProblems(error: unknown): string[] {
  if (!(error instanceof BadRequestException)) throw error;
  const body = error.getResponse() as { message?: string | string[] };
  const messages = Array.isArray(body.message) ? body.message : [String(body.message ?? error.message)];
  return messages.map((message) => `suite.${message}`);
}

/** Schedules on the API side: store one and start its BullMQ job scheduler; list; delete. */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    @InjectRepository(Schedule) private readonly schedules: Repository<Schedule>,
    @InjectQueue(SCHEDULE_TICK_JOB.queue) private readonly queue: Queue,
    private readonly runs: RunsService,
    private readonly suites: SuitesService,
    private readonly config: AppConfig,
  ) {}

  async create(body: unknown): Promise<Schedule> {
    const { request, target, errors } = parseScheduleRequest(body, scheduleRules(this.config.env));
    // The run or suite is checked even when the schedule's own fields are wrong: one answer names every problem.
    const checked = target ? await this.checkTarget(target) : { errors: [] };
    if (!request || checked.errors.length) throw new BadRequestException([...errors, ...checked.errors]);
    const schedule = this.schedules.create({
      id: randomUUID(),
      name: request.name,
      cron: request.cron,
      timezone: request.timezone,
      run: checked.run ?? null,
      suite: checked.suite ?? null,
    });
    await this.schedules.insert(schedule);
    await queueOrWithdraw(
      'schedule',
      schedule.id,
      async () => {
        const next = await this.queue.upsertJobScheduler(
          schedule.id,
          { pattern: schedule.cron, tz: schedule.timezone },
          tickTemplate(schedule.id),
        );
        schedule.nextTickAt = new Date(next.timestamp + next.delay);
      },
      () => this.schedules.delete({ id: schedule.id }),
    );
    return schedule;
  }

  /**
   * The run or suite as each tick will queue it, checked now by its own rules (the suite
   * with its tests' defaults filled in); its problems are said of the schedule's field.
   */
  private async checkTarget(
    target: ScheduleTarget,
  ): Promise<{ run?: RunDefinition; suite?: SuiteTemplate; errors: string[] }> {
    if (target.suite !== undefined) {
      try {
        const { request, definitions } = await this.suites.check(target.suite);
        return { suite: { ...request, tests: definitions }, errors: [] };
      } catch (error) {
        return { errors: suiteProblems(error) };
      }
    }
    const { definition, errors } = await this.runs.definitionProblems(target.run);
    return { run: definition, errors: errors.map((message) => `run.${message}`) };
  }

  list(query: { limit?: number; cursor?: string }): Promise<SchedulePage> {
    return newestFirstPage(
      this.schedules.createQueryBuilder('s'),
      'created_at',
      (schedule) => schedule.createdAt,
      query,
    );
  }

  async get(id: string): Promise<Schedule> {
    const schedule = await this.schedules.findOneBy({ id });
    if (!schedule) throw new NotFoundException(`Schedule ${id} not found`);
    const scheduler = await this.queue.getJobScheduler(id).catch(() => undefined);
    schedule.nextTickAt = scheduler?.next ? new Date(scheduler.next) : null;
    return schedule;
  }

  /**
   * The row goes first: a tick already on its way then finds no schedule and removes the
   * job scheduler itself, so a delete holds even if Redis is away at this moment.
   */
  async remove(id: string): Promise<void> {
    const result = await this.schedules.delete({ id });
    if (!result.affected) throw new NotFoundException(`Schedule ${id} not found`);
    await this.queue
      .removeJobScheduler(id)
      .catch((err: unknown) =>
        this.logger.warn({ err, scheduleId: id }, 'Could not remove the job scheduler now; its next tick will'),
      );
  }
}
