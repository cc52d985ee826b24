import { Controller, Get, OnModuleDestroy, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AcceptsEventToken } from '../auth/event-token.decorator';
import { CurrentPrincipal, ProjectId } from '../auth/principal.decorator';
import { AppConfig } from '../config/app-config.service';
import { ApiQueryFrom } from '../docs/api-requests';
import { ApiError, ApiEventStream, ApiJson } from '../docs/api-responses';
import { cursorPageQuerySchema, queryObject } from '../http/cursor-page.query';
import { KeyDirectory } from '../projects/key-directory';
import type { Principal } from '../projects/principal';
import { oneOf } from '../validation/request-fields';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { IncidentStream } from './incident-stream';
import { IncidentsService, STATS_WINDOWS, type StatsWindow } from './incidents.service';
import { incidentPageBody, scheduleStatsBody } from './monitor-responses';
import { startEventStream } from '../events/sse-stream';

const WINDOWS = Object.keys(STATS_WINDOWS) as [StatsWindow, ...StatsWindow[]];

/** The query of GET /api/schedules/:id/stats. */
export const scheduleStatsQuerySchema = queryObject({
  window: oneOf(WINDOWS, `must be one of ${WINDOWS.join(', ')}`)
    .optional()
    .meta({ description: 'The window ending now: 24h (default), 7d or 30d' }),
});

const NOT_FOUND = 'No such schedule (one of another project is not found either)';

/** What monitors know of one schedule: its incidents, its stats, and its incident changes live. */
@ApiTags('monitors')
@Controller('schedules')
export class ScheduleMonitorController implements OnModuleDestroy {
  /** Open streams by the key that opened them: ended when it is revoked, and when the API stops. */
  private readonly open = new Map<() => void, string | null>();
  private readonly stopListening: () => void;

  constructor(
    private readonly incidents: IncidentsService,
    private readonly stream: IncidentStream,
    private readonly config: AppConfig,
    keys: KeyDirectory,
  ) {
    // A revoked key's streams end at once, on every instance (the revocation message).
    this.stopListening = keys.onRevoked((keyId) => {
      for (const [finish, owner] of [...this.open]) if (owner === keyId) finish();
    });
  }

  @Get(':id/incidents')
  @ApiJson(200, incidentPageBody, '{ items, nextCursor }: its incidents, newest first, each with who was told and how')
  @ApiError(404, NOT_FOUND)
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof incidentPageBody>> {
    return this.incidents.list(id, projectId, query);
  }

  @Get(':id/stats')
  @ApiJson(200, scheduleStatsBody, 'Runs by outcome, uptime, duration p50/p95 and incidents over the window')
  @ApiError(400, 'window must be one of 24h, 7d, 30d')
  @ApiError(404, NOT_FOUND)
  @ApiQueryFrom(scheduleStatsQuerySchema)
  stats(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query(new ZodValidationPipe(scheduleStatsQuerySchema)) query: z.output<typeof scheduleStatsQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof scheduleStatsBody>> {
    return this.incidents.stats(id, projectId, query.window ?? '24h');
  }

  @Get(':id/events')
  @AcceptsEventToken('schedule')
  @ApiError(404, NOT_FOUND)
  @ApiEventStream(
    'Server-Sent Events: `incident.opened`, `incident.updated` (a run joined it, it is recovering, or it failed again) and `incident.resolved`, each with the incident as GET /api/schedules/{id}/incidents shows it; a comment line every EVENTS_HEARTBEAT_MS. Open until the client closes it or its key is revoked',
  )
  async events(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.incidents.schedule(id, principal.projectId);
    const raw = startEventStream(reply);
    let seq = 0;
    const stop = this.stream.listen(id, (event, incident) => {
      if (!raw.writableEnded) raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(incident)}\n\n`);
    });
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), this.config.env.EVENTS_HEARTBEAT_MS);
    const finish = () => {
      this.open.delete(finish);
      stop();
      clearInterval(heartbeat);
      if (!raw.writableEnded) raw.end();
    };
    this.open.set(finish, principal.keyId);
    req.raw.once('close', finish);
  }

  onModuleDestroy(): void {
    this.stopListening();
    for (const finish of [...this.open.keys()]) finish();
  }
}
