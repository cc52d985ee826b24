import { Controller, Get, OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { AppConfig } from '../config/app-config.service';
import { ApiQueryFrom } from '../docs/api-requests';
import { ApiEventStream } from '../docs/api-responses';
import { KeyDirectory } from '../projects/key-directory';
import type { Principal } from '../projects/principal';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { LiveEventHub } from './live-event-hub';
import { type LiveFollowQuery, liveFollowQuerySchema } from './live-follow.query';
import { type Followed, streamManyLiveEvents } from './sse-many';

/** One stream for a page that shows many jobs at once: the dashboard's lists. */
@ApiTags('events')
@Controller('live')
export class LiveController implements OnModuleDestroy {
  private readonly open = new Set<{ keyId: string | null; stop: () => void }>();
  private readonly stopListening: () => void;

  constructor(
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
    keys: KeyDirectory,
  ) {
    // A revoked key's streams end at once, on every instance (the revocation message).
    this.stopListening = keys.onRevoked((keyId) => {
      for (const stream of this.open) if (stream.keyId === keyId) stream.stop();
    });
  }

  @Get()
  @ApiQueryFrom(liveFollowQuerySchema)
  @ApiEventStream(
    "Server-Sent Events for several jobs of the project at once: each job its current state first, then its changes (`run.updated`, `run.step`, `suite.progress`, `scrape.progress`, ...), `end` with { kind, id } when one ends, `gone` for an id that is not the project's; a comment line every EVENTS_HEARTBEAT_MS. The stream ends when the client closes it or its key is revoked",
  )
  async follow(
    @Query(new ZodValidationPipe(liveFollowQuerySchema)) query: LiveFollowQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const followed: Followed[] = [
      ...(query.runs ?? []).map((id) => ({ kind: 'run' as const, id })),
      ...(query.suites ?? []).map((id) => ({ kind: 'suite' as const, id })),
      ...(query.scrapes ?? []).map((id) => ({ kind: 'scrape' as const, id })),
    ];
    const stream = { keyId: principal.keyId, stop: () => undefined as void };
    this.open.add(stream);
    req.raw.once('close', () => this.open.delete(stream));
    stream.stop = await streamManyLiveEvents(
      this.hub,
      followed,
      principal.projectId,
      req,
      reply,
      this.config.env.EVENTS_HEARTBEAT_MS,
    );
  }

  onModuleDestroy(): void {
    this.stopListening();
    for (const stream of this.open) stream.stop();
  }
}
