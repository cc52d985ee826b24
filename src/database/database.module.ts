import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.service';
import { DatabaseOutageWatch } from './database-outage-watch';
import { databaseOptions } from './database-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...databaseOptions(config.env.DATABASE_URL),
        // In development the API brings the schema up to date itself; production runs
        // `pnpm migration:run` as a release step. The worker never migrates, so two
        // processes starting together do not race.
        migrationsRun: !config.isWorker && !config.isProduction,
        // bootstrap has already waited for the database (database-probe.ts): a failure
        // here is a real fault, shown once instead of after ten stack traces.
        retryAttempts: 1,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [DatabaseOutageWatch],
})
export class DatabaseModule {}
