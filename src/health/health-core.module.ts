import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CoreHealth } from './core-health.service';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
  providers: [CoreHealth],
  exports: [CoreHealth, TerminusModule],
})
export class HealthCoreModule {}
