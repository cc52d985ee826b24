import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';
import { KeyDirectory } from './key-directory';
import { KeyRateLimiter } from './key-rate-limiter';
import { ProjectKeysController } from './project-keys.controller';
import { ProjectSettings } from './project-settings';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

/**
 * API side: projects, their keys and audit log (/api/projects, /api/audit), and what every
 * feature uses of them: the key directory (the guard), the audit log and project limits.
 */
@Global()
@Module({
  controllers: [ProjectsController, ProjectKeysController, AuditController],
  providers: [ProjectsService, KeyDirectory, KeyRateLimiter, AuditLog, ProjectSettings],
  exports: [KeyDirectory, KeyRateLimiter, AuditLog, ProjectSettings],
})
export class ProjectsModule {}
