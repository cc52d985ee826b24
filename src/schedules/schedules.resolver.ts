import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import type { Principal } from '../projects/principal';
import { parseRequest } from '../validation/parse-request';
import { muteScheduleRequestSchema } from './schedule-mute';
import { Schedule } from './schedule.entity';
import { SchedulesService } from './schedules.service';

/** GraphQL mirrors of POST and DELETE /api/schedules/:id/mute. */
@Resolver(() => Schedule)
export class SchedulesResolver {
  constructor(private readonly schedules: SchedulesService) {}

  @Mutation(() => Schedule, {
    description:
      "Mute a schedule's alerts for a while, as POST /api/schedules/:id/mute: incidents are still recorded, their notifications kept as muted",
  })
  @RequiresScope('admin')
  muteSchedule(
    @Args('id', { type: () => ID, description: "The schedule's id" }, new ParseUUIDPipe()) id: string,
    @Args('minutes', { type: () => Int, description: 'For how long from now, 1 to 43200 minutes (30 days)' })
    minutes: number,
    @CurrentPrincipal() actor: Principal,
  ): Promise<Schedule> {
    // Checked as the REST body is, so the 400 names `minutes` the same way.
    return this.schedules.mute(id, parseRequest(muteScheduleRequestSchema, { minutes }).minutes, actor);
  }

  @Mutation(() => Schedule, { description: "End a schedule's mute now, as DELETE /api/schedules/:id/mute" })
  @RequiresScope('admin')
  unmuteSchedule(
    @Args('id', { type: () => ID, description: "The schedule's id" }, new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<Schedule> {
    return this.schedules.unmute(id, actor);
  }
}
