import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../common/cursor';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import { QUEUES } from '../queues/queue-names';
import { RunsService } from '../runs/runs.service';
import type { SuiteTemplate } from '../suites/suite-request';
import { SuitesService } from '../suites/suites.service';
import { tickTemplate } from './schedule-job';
import { parseScheduleRequest } from './schedule-request';
import { Schedule } from './schedule.entity';

export type SchedulePage = CursorPage<Schedule>;

/** The runs' (or suites') own messages, said of the schedule's `run` (or `suite`) field. */
const inField = (field: 'run' | 'suite') => (error: unknown): never => {
  if (error instanceof BadRequestException) {
    const body = error.getResponse() as { message?: string | string[] };
    const messages = Array.isArray(body.message) ? body.message : [String(body.message ?? error.message)];
    throw new BadRequestException(messages.map((message) => `${field}.${message}`));
  }
  throw error;
};

/** Schedules on the API side: store one and start its BullMQ job scheduler; list; delete. */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    @InjectRepository(Schedule) private readonly schedules: Repository<Schedule>,
    @InjectQueue(QUEUES.schedules) private readonly queue: Queue,
    private readonly runs: RunsService,
    private readonly suites: SuitesService,
  ) {}

  async create(body: unknown): Promise<Schedule> {
    const { request, errors } = parseScheduleRequest(body);
    if (!request) throw new BadRequestException(errors);
    const target = request.suite !== undefined ? { run: null, suite: await this.suiteTemplate(request.suite) } : { run: await this.runs.checkDefinition(request.run).catch(inField('run')), suite: null };
    const schedule = this.schedules.create({ id: randomUUID(), name: request.name, cron: request.cron, timezone: request.timezone, ...target });
    await this.schedules.insert(schedule);
    await queueOrWithdraw(
      'schedule',
      schedule.id,
      async () => {
        const next = await this.queue.upsertJobScheduler(schedule.id, { pattern: schedule.cron, tz: schedule.timezone }, tickTemplate(schedule.id));
        schedule.nextTickAt = new Date(next.timestamp + next.delay);
      },
      () => this.schedules.delete({ id: schedule.id }),
    );
    return schedule;
  }

  /** The suite as each tick will queue it: checked now, by the suites' own rules. */
  private async suiteTemplate(body: unknown): Promise<SuiteTemplate> {
    const { request, definitions } = await this.suites.check(body).catch(inField('suite'));
    return { ...request, tests: definitions };
  }

  list(query: { limit?: number; cursor?: string }): Promise<SchedulePage> {
    return newestFirstPage(this.schedules.createQueryBuilder('s'), 'created_at', (schedule) => schedule.createdAt, query);
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
    await this.queue.removeJobScheduler(id).catch((err: unknown) => this.logger.warn({ err, scheduleId: id }, 'Could not remove the job scheduler now; its next tick will'));
  }
}
