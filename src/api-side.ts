import type { Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { EmailsModule } from './emails/emails.module';
import { EventsModule } from './events/events.module';
import { GraphqlModule } from './graphql/graphql.module';
import { HealthModule } from './health/health.module';
import { MonitorsModule } from './monitors/monitors.module';
import { ProjectsModule } from './projects/projects.module';
import { QueueMetrics } from './metrics/queue-metrics';
import { RunsModule } from './runs/runs.module';
import { SecretsModule } from './secrets/secrets.module';
import { SchedulesModule } from './schedules/schedules.module';
import { ScrapesModule } from './scrapes/scrapes.module';
import { SuitesModule } from './suites/suites.module';
import { UsersModule } from './users/users.module';
import { WorkersModule } from './workers/workers.module';

/**
 * What only the API loads: the key guard, health, the workers list, live events, GraphQL
 * and each feature's API module. A file of its own so a worker never even requires it
 * (GraphQL, socket.io, Bull Board and Swagger are a good part of a process's memory).
 */
export const API_MODULES: Type[] = [
  ProjectsModule,
  AuthModule,
  HealthModule,
  WorkersModule,
  EventsModule,
  GraphqlModule,
  EmailsModule,
  UsersModule,
  RunsModule,
  SuitesModule,
  ScrapesModule,
  SchedulesModule,
  SecretsModule,
  MonitorsModule,
  DeadLettersModule,
];
export const API_PROVIDERS: Type[] = [QueueMetrics];
