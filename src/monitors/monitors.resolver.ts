import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, ProjectId } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import type { Principal } from '../projects/principal';
import { parseRequest } from '../validation/parse-request';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { type CreateAlertChannelRequest, createAlertChannelRequestSchema } from './alert-channel-request';
import { AlertChannelTester } from './alert-channel-tester';
import type { AlertChannelView } from './alert-channel-view';
import { AlertChannelsService } from './alert-channels.service';
import { CreateAlertChannelInput } from './dto/create-alert-channel.input';
import { IncidentsService } from './incidents.service';
import {
  AlertChannelModel,
  AlertChannelPageModel,
  AlertChannelTestModel,
  IncidentPageModel,
  ScheduleStatsModel,
} from './monitor-models';
import { scheduleStatsQuerySchema } from './schedule-monitor.controller';

/** GraphQL mirrors of the alert-channel routes and of a schedule's incidents and stats. */
@Resolver(() => AlertChannelModel)
export class MonitorsResolver {
  constructor(
    private readonly channels: AlertChannelsService,
    private readonly tester: AlertChannelTester,
    private readonly incidents: IncidentsService,
  ) {}

  @Query(() => AlertChannelPageModel, { description: "The project's alert channels, newest first" })
  alertChannels(
    @ProjectId() projectId: string,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' })
    limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.channels.list(projectId, { limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  @Mutation(() => AlertChannelModel, { description: 'Store an alert channel, as POST /api/alert-channels' })
  @RequiresScope('admin')
  createAlertChannel(
    @Args(
      'input',
      { type: () => CreateAlertChannelInput, description: 'The channel, as the body of POST /api/alert-channels' },
      new ZodValidationPipe(createAlertChannelRequestSchema),
    )
    input: CreateAlertChannelRequest,
    @CurrentPrincipal() actor: Principal,
  ): Promise<AlertChannelView> {
    return this.channels.create(input, actor);
  }

  @Mutation(() => AlertChannelModel, {
    description: "Delete an alert channel no schedule's alerts name, as DELETE /api/alert-channels/:id; returns it",
  })
  @RequiresScope('admin')
  deleteAlertChannel(
    @Args('id', { type: () => ID, description: "The channel's id" }, new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<AlertChannelView> {
    return this.channels.remove(id, actor);
  }

  @Mutation(() => AlertChannelTestModel, { description: 'Send a test now, as POST /api/alert-channels/:id/test' })
  @RequiresScope('admin')
  async testAlertChannel(
    @Args('id', { type: () => ID, description: "The channel's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ) {
    return this.tester.test(await this.channels.find(id, projectId));
  }

  @Query(() => IncidentPageModel, { description: "A schedule's incidents, newest first, with who was told" })
  scheduleIncidents(
    @Args('id', { type: () => ID, description: "The schedule's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' })
    limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.incidents.list(id, projectId, { limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  @Query(() => ScheduleStatsModel, { description: "A schedule's runs, uptime, speed and incidents over a window" })
  scheduleStats(
    @Args('id', { type: () => ID, description: "The schedule's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Args('window', { type: () => String, nullable: true, description: '24h (default), 7d or 30d' })
    window?: string,
  ) {
    const query = parseRequest(scheduleStatsQuerySchema, window == null ? {} : { window });
    return this.incidents.stats(id, projectId, query.window ?? '24h');
  }
}
