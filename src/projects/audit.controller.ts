import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import { ApiQueryFrom } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import type { Principal } from './principal';
import { type AuditQuery, auditQuerySchema } from './project-request';
import { auditPageBody } from './project-responses';
import { ProjectsService } from './projects.service';

/** GET /api/audit: who changed the project's keys, secrets, schedules and settings, and when. */
@ApiTags('projects')
@Controller('audit')
export class AuditController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @RequiresScope('admin')
  @ApiJson(200, auditPageBody, '{ items, nextCursor }: the project’s audit events, newest first')
  @ApiError(404, 'projectId names a project that is not the key’s own')
  @ApiQueryFrom(auditQuerySchema)
  list(
    @CurrentPrincipal() actor: Principal,
    @Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery,
  ): Promise<z.output<typeof auditPageBody>> {
    return this.projects.auditLog(actor, query);
  }
}
