import { closeRedis } from '../redis/close-redis';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { incidentEventsChannel } from './incident-events';
import { IncidentsService } from './incidents.service';
import type { IncidentView } from './monitor-responses';

export type IncidentEvent = 'incident.opened' | 'incident.resolved' | 'incident.updated';
export type IncidentListener = (event: IncidentEvent, incident: IncidentView) => void;

const EVENTS = new Set(['opened', 'resolved', 'updated']);

/**
 * The incident changes workers publish, for this API process's SSE streams: one Redis
 * subscriber connection whatever the number of streams, listeners by schedule, and each
 * change read fresh from the database once for all of a schedule's listeners (the message
 * names the incident, the row says what it is now). Changes published while Redis was away
 * are lost to live streams; GET /api/schedules/:id/incidents still has them.
 */
@Injectable()
export class IncidentStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IncidentStream.name);
  private readonly listeners = new Map<string, Set<IncidentListener>>();
  private subscriber?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly connections: RedisConnectionFactory,
    private readonly incidents: IncidentsService,
  ) {}

  onApplicationBootstrap(): void {
    const channel = incidentEventsChannel(this.config.env.QUEUE_PREFIX);
    this.subscriber = this.connections.create('incident-events', {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber.on('message', (_channel: string, message: string) => void this.dispatch(message));
    void this.subscriber
      .subscribe(channel)
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'Could not listen for incident changes; live streams stay quiet'),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await closeRedis(this.subscriber);
  }

  /** Calls `listener` with each change of the schedule's incidents until the returned function is called. */
  listen(scheduleId: string, listener: IncidentListener): () => void {
    let set = this.listeners.get(scheduleId);
    if (!set) this.listeners.set(scheduleId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(scheduleId) === set) this.listeners.delete(scheduleId);
    };
  }

  private async dispatch(message: string): Promise<void> {
    let change: { scheduleId?: unknown; id?: unknown; event?: unknown };
    try {
      change = JSON.parse(message) as typeof change;
    } catch {
      return;
    }
    const { scheduleId, id, event } = change;
    if (typeof scheduleId !== 'string' || typeof id !== 'string' || typeof event !== 'string' || !EVENTS.has(event))
      return;
    const set = this.listeners.get(scheduleId);
    if (!set?.size) return;
    try {
      const incident = await this.incidents.one(scheduleId, id);
      if (!incident) return;
      for (const listener of [...set]) listener(`incident.${event}` as IncidentEvent, incident);
    } catch (err) {
      this.logger.warn({ err, scheduleId, incidentId: id }, 'Could not read a changed incident for its live streams');
    }
  }
}
