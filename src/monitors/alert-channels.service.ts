import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/postgres-errors';
import { AddressPolicy } from '../egress/address-policy';
import { type CursorPage, newestFirstPage } from '../http/cursor';
import { AuditLog } from '../projects/audit-log';
import type { Principal } from '../projects/principal';
import type { AlertChannelsCheck } from '../schedules/schedule-alerts';
import { configUrls, type CreateAlertChannelRequest } from './alert-channel-request';
import { type AlertChannelView, targetOf, viewOf } from './alert-channel-view';
import { AlertChannel } from './alert-channel.entity';

/**
 * API side of alert channels: store, list, read and delete a project's channels, and say
 * which ids a schedule names that are not its project's (ALERT_CHANNELS_CHECK). Another
 * project's channel is not found, exactly as an unknown id. Answers and audit events show
 * where a channel sends only as targetOf() masks it.
 */
@Injectable()
export class AlertChannelsService implements AlertChannelsCheck {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly egress: AddressPolicy,
  ) {}

  /** Checked by the egress rule first (a 400 naming the field), stored with its audit event; a taken name is a 409. */
  async create(input: CreateAlertChannelRequest, actor: Principal): Promise<AlertChannelView> {
    const problems: string[] = [];
    for (const { field, url } of configUrls(input.config)) {
      const verdict = await this.egress.check(url);
      if (!verdict.allowed) problems.push(`${field} is not allowed: ${verdict.reason}`);
    }
    if (problems.length) throw new BadRequestException(problems);
    const channel = this.db.getRepository(AlertChannel).create({
      id: randomUUID(),
      projectId: actor.projectId,
      name: input.name,
      type: input.type,
      config: input.config,
    });
    try {
      await this.db.transaction(async (m) => {
        await m.insert(AlertChannel, channel);
        await this.audit.record(
          actor,
          'alert_channel.created',
          channel.id,
          { name: channel.name, type: channel.type, target: targetOf(channel.type, channel.config) },
          m,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error, 'alert_channels_name_uq'))
        throw new ConflictException(`This project already has an alert channel named ${input.name}`);
      throw error;
    }
    return viewOf(await this.find(channel.id, actor.projectId));
  }

  async list(projectId: string, query: { limit?: number; cursor?: string }): Promise<CursorPage<AlertChannelView>> {
    const page = await newestFirstPage(
      this.db.getRepository(AlertChannel).createQueryBuilder('c').where('c.project_id = :projectId', { projectId }),
      'created_at',
      (channel) => channel.createdAt,
      query,
    );
    return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
  }

  async get(id: string, projectId: string): Promise<AlertChannelView> {
    return viewOf(await this.find(id, projectId));
  }

  /** The channel itself, config and all, for a test send; never answered as it is. */
  async find(id: string, projectId: string): Promise<AlertChannel> {
    const channel = await this.db.getRepository(AlertChannel).findOneBy({ id, projectId });
    if (!channel) throw new NotFoundException(`Alert channel ${id} not found`);
    // The project column is not selected by default (answers never carry it): it is the one asked for.
    channel.projectId = projectId;
    return channel;
  }

  /**
   * Deletes it, unless a schedule's alerts still name it (a 409 naming them): a schedule
   * would otherwise alert nobody without a word. Notifications already stored keep their
   * outcome; one still to be sent fails as "its alert channel was deleted".
   */
  async remove(id: string, actor: Principal): Promise<AlertChannelView> {
    return this.db.transaction(async (m) => {
      const channel = await m
        .getRepository(AlertChannel)
        .findOne({ where: { id, projectId: actor.projectId }, lock: { mode: 'pessimistic_write' } });
      if (!channel) throw new NotFoundException(`Alert channel ${id} not found`);
      const users = (await m.query(
        `SELECT id, name FROM schedules
          WHERE project_id = $1 AND alerts IS NOT NULL AND jsonb_exists(alerts -> 'channels', $2::text)
          ORDER BY created_at, id LIMIT 20`,
        [actor.projectId, id],
      )) as Array<{ id: string; name: string }>;
      if (users.length)
        throw new ConflictException(
          `Alert channel ${id} is named by the alerts of schedules ${users.map((s) => `${s.name} (${s.id})`).join(', ')}: take it out of their alerts first`,
        );
      await m.delete(AlertChannel, { id });
      const view = viewOf(channel);
      await this.audit.record(
        actor,
        'alert_channel.deleted',
        id,
        { name: view.name, type: view.type, target: view.target },
        m,
      );
      return view;
    });
  }

  /** Which of `ids` are not alert channels of `projectId` (each once, in the order given). */
  async missing(ids: string[], projectId: string): Promise<string[]> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (!wanted.length) return [];
    const rows = (await this.db.query(`SELECT id FROM alert_channels WHERE project_id = $1 AND id = ANY($2::uuid[])`, [
      projectId,
      wanted,
    ])) as Array<{ id: string }>;
    const found = new Set(rows.map((row) => row.id));
    return wanted.filter((id) => !found.has(id));
  }
}
