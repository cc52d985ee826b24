import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Inject, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import { ALERT_CHANNELS_CHECK, type AlertChannelsCheck, NO_ALERT_CHANNELS } from './schedule-alerts';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { AppConfig } from '../config/app-config.service';
import { AuditLog } from '../projects/audit-log';
import type { Principal } from '../projects/principal';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import type { RunDefinition } from '../runs/run-definition';
import { RunsService } from '../runs/runs.service';
import type { SuiteTemplate } from '../suites/suite-request';
import { SuitesService } from '../suites/suites.service';
import { SCHEDULE_TICK_JOB, startTicks } from './schedule-job';
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

/** Schedules on the API side: store one and start its BullMQ job scheduler; list; pause and resume; delete. */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    @InjectRepository(Schedule) private readonly schedules: Repository<Schedule>,
    @InjectQueue(SCHEDULE_TICK_JOB.queue) private readonly queue: Queue,
    private readonly runs: RunsService,
    private readonly suites: SuitesService,
    private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    @Optional() @Inject(ALERT_CHANNELS_CHECK) private readonly alertChannels: AlertChannelsCheck = NO_ALERT_CHANNELS,
  ) {}

  /**
   * A schedule of the actor's project: what it queues is checked there (its secrets), and its
   * ticks queue in that project. The row, its audit event and the job scheduler go together:
   * if Redis cannot take the scheduler, the transaction is rolled back (a scheduler that lands
   * late finds no schedule on its first tick and removes itself).
   */
  async create(body: unknown, actor: Principal): Promise<Schedule> {
    const { projectId } = actor;
    const { request, target, errors } = parseScheduleRequest(body, scheduleRules(this.config.env));
    // The run or suite is checked even when the schedule's own fields are wrong: one answer names every problem.
    const checked = target ? await this.checkTarget(target, projectId) : { errors: [] };
    const unknownChannels = request?.alerts ? await this.alertChannels.missing(request.alerts.channels, projectId) : [];
    const channelErrors = unknownChannels.map((id) => `alerts.channels: ${id} is not an alert channel of this project`);
    if (!request || checked.errors.length || channelErrors.length)
      throw new BadRequestException([...errors, ...checked.errors, ...channelErrors]);
    const schedule = this.schedules.create({
      id: randomUUID(),
      projectId,
      name: request.name,
      cron: request.cron,
      timezone: request.timezone,
      run: checked.run ?? null,
      suite: checked.suite ?? null,
      pausedAt: null,
      alerts: request.alerts ?? null,
      mutedUntil: null,
    });
    await this.db.transaction(async (m) => {
      await m.insert(Schedule, schedule);
      await this.audit.record(
        actor,
        'schedule.created',
        schedule.id,
        {
          name: schedule.name,
          cron: schedule.cron,
          timezone: schedule.timezone,
          target: schedule.suite ? 'suite' : 'run',
        },
        m,
      );
      await queueOrWithdraw(
        'schedule',
        schedule.id,
        async () => {
          schedule.nextTickAt = await startTicks(this.queue, schedule);
        },
        // Nothing to remove: the error it throws rolls the transaction back.
        () => Promise.resolve(),
      );
    });
    // Answers do not carry the project (as on a read).
    delete (schedule as Partial<Schedule>).projectId;
    return schedule;
  }

  /**
   * The run or suite as each tick will queue it, checked now by its own rules (the suite
   * with its tests' defaults filled in); its problems are said of the schedule's field.
   */
  private async checkTarget(
    target: ScheduleTarget,
    projectId: string,
  ): Promise<{ run?: RunDefinition; suite?: SuiteTemplate; errors: string[] }> {
    if (target.suite !== undefined) {
      try {
        const { request, definitions } = await this.suites.check(target.suite, projectId);
        return { suite: { ...request, tests: definitions }, errors: [] };
      } catch (error) {
        return { errors: suiteProblems(error) };
      }
    }
    const { definition, errors } = await this.runs.definitionProblems(target.run, projectId);
    return { run: definition, errors: errors.map((message) => `run.${message}`) };
  }

  list(projectId: string, query: { limit?: number; cursor?: string }): Promise<SchedulePage> {
    return newestFirstPage(
      this.schedules.createQueryBuilder('s').where('s.project_id = :projectId', { projectId }),
      'created_at',
      (schedule) => schedule.createdAt,
      query,
    );
  }

  /** One of `projectId`'s schedules; one of another project is not found, exactly as an unknown id. */
  async get(id: string, projectId: string): Promise<Schedule> {
    const schedule = await this.schedules.findOneBy({ id, projectId });
    if (!schedule) throw new NotFoundException(`Schedule ${id} not found`);
    // A paused schedule has no next tick, whatever Redis may still hold (a removal that failed).
    const scheduler = schedule.pausedAt ? undefined : await this.queue.getJobScheduler(id).catch(() => undefined);
    schedule.nextTickAt = scheduler?.next ? new Date(scheduler.next) : null;
    return schedule;
  }

  /**
   * Stops the ticks and keeps the schedule: pausedAt is set with its audit event, then the
   * job scheduler goes. If Redis is away now, the next tick finds the schedule paused and
   * removes the scheduler itself; the restorer leaves paused schedules alone. Pausing a
   * paused schedule changes nothing.
   */
  async pause(id: string, actor: Principal): Promise<Schedule> {
    if (await this.setPaused(id, actor, true))
      await this.queue
        .removeJobScheduler(id)
        .catch((err: unknown) =>
          this.logger.warn({ err, scheduleId: id }, 'Could not remove the job scheduler now; its next tick will'),
        );
    return this.get(id, actor.projectId);
  }

  /**
   * Starts the ticks again from now: pausedAt is cleared, with its audit event and the job
   * scheduler in one go (if Redis cannot take it, nothing changed and the caller gets a 503).
   * Resuming a schedule that is not paused changes nothing.
   */
  async resume(id: string, actor: Principal): Promise<Schedule> {
    await this.setPaused(id, actor, false, (schedule) =>
      queueOrWithdraw(
        'schedule',
        id,
        () => startTicks(this.queue, schedule),
        // Nothing to remove: the error it throws rolls the transaction back.
        () => Promise.resolve(),
      ),
    );
    return this.get(id, actor.projectId);
  }

  /**
   * Sets or clears pausedAt of the actor's project's schedule, with its audit event and
   * `alsoThen` in the same transaction. False when there was nothing to change: it already
   * was so, or there is no such schedule (the caller's read then answers 404).
   */
  private setPaused(
    id: string,
    actor: Principal,
    paused: boolean,
    alsoThen?: (schedule: { id: string; cron: string; timezone: string }) => Promise<unknown>,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [changed] = (await m.query(
        `UPDATE schedules SET paused_at = ${paused ? 'now()' : 'NULL'}, updated_at = now()
         WHERE id = $1 AND project_id = $2 AND paused_at IS ${paused ? '' : 'NOT '}NULL
         RETURNING id, name, cron, timezone`,
        [id, actor.projectId],
      )) as [Array<{ id: string; name: string; cron: string; timezone: string }>, number];
      if (!changed.length) return false;
      const { name, cron, timezone } = changed[0];
      await this.audit.record(actor, paused ? 'schedule.paused' : 'schedule.resumed', id, { name, cron, timezone }, m);
      await alsoThen?.(changed[0]);
      return true;
    });
  }

  /**
   * Mutes its alerts for `minutes` from now (a mute in force is replaced, shorter or longer),
   * with its audit event. While muted, incidents still open and resolve, and each change's
   * notifications are stored as `muted` instead of sent: the history shows what was not told.
   */
  async mute(id: string, minutes: number, actor: Principal): Promise<Schedule> {
    await this.db.transaction(async (m) => {
      const [changed] = (await m.query(
        `UPDATE schedules SET muted_until = now() + make_interval(mins => $3), updated_at = now()
         WHERE id = $1 AND project_id = $2 RETURNING name, muted_until`,
        [id, actor.projectId, minutes],
      )) as [Array<{ name: string; muted_until: Date }>, number];
      if (!changed.length) throw new NotFoundException(`Schedule ${id} not found`);
      const { name, muted_until: mutedUntil } = changed[0];
      await this.audit.record(actor, 'schedule.muted', id, { name, minutes, mutedUntil }, m);
    });
    return this.get(id, actor.projectId);
  }

  /** Ends its mute now, with its audit event; one not muted is answered unchanged. */
  async unmute(id: string, actor: Principal): Promise<Schedule> {
    await this.db.transaction(async (m) => {
      const [changed] = (await m.query(
        `UPDATE schedules SET muted_until = NULL, updated_at = now()
         WHERE id = $1 AND project_id = $2 AND muted_until IS NOT NULL RETURNING name`,
        [id, actor.projectId],
      )) as [Array<{ name: string }>, number];
      if (changed.length) await this.audit.record(actor, 'schedule.unmuted', id, { name: changed[0].name }, m);
    });
    return this.get(id, actor.projectId);
  }

  /**
   * The row goes first: a tick already on its way then finds no schedule and removes the
   * job scheduler itself, so a delete holds even if Redis is away at this moment. The row
   * and its audit event go together; a schedule of another project is not found.
   */
  async remove(id: string, actor: Principal): Promise<void> {
    await this.db.transaction(async (m) => {
      const [deleted] = (await m.query(
        `DELETE FROM schedules WHERE id = $1 AND project_id = $2 RETURNING name, cron, timezone`,
        [id, actor.projectId],
      )) as [Array<{ name: string; cron: string; timezone: string }>, number];
      if (!deleted.length) throw new NotFoundException(`Schedule ${id} not found`);
      await this.audit.record(actor, 'schedule.deleted', id, { ...deleted[0] }, m);
    });
    await this.queue
      .removeJobScheduler(id)
      .catch((err: unknown) =>
        this.logger.warn({ err, scheduleId: id }, 'Could not remove the job scheduler now; its next tick will'),
      );
  }
}
