import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Run } from '../runs/run.entity';
import { RunsModule } from '../runs/runs.module';
import { Suite } from './suite.entity';
import { SuiteRunsEndedModule } from './suite-runs-ended.module';
import { SuiteLiveSource } from './suite-live-source';
import { SuitesController } from './suites.controller';
import { SuitesResolver } from './suites.resolver';
import { SuitesService } from './suites.service';

/** API side: accept, read and cancel suites (their runs are accepted by the runs' rules and capacity). */
@Module({
  imports: [TypeOrmModule.forFeature([Suite, Run]), RunsModule, SuiteRunsEndedModule],
  controllers: [SuitesController],
  providers: [SuitesService, SuitesResolver, SuiteLiveSource],
  exports: [SuitesService],
})
export class SuitesModule {}
