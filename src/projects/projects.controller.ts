import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { BootstrapOnly, RequiresScope } from '../auth/scope.decorator';
import { ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { requestBody } from '../docs/document-registry';
import { PROJECT_EXAMPLES, PROJECT_UPDATE_EXAMPLES } from '../docs/request-examples';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import type { Principal } from './principal';
import {
  type CreateProjectRequest,
  createProjectRequestSchema,
  projectPathSchema,
  updateProjectRequestSchema,
} from './project-request';
import { projectBody, projectListBody } from './project-responses';
import { ProjectsService } from './projects.service';

const CREATE_PROJECT_INPUT = requestBody('CreateProjectInput', () => createProjectRequestSchema);
const UPDATE_PROJECT_INPUT = requestBody('UpdateProjectInput', () => updateProjectRequestSchema);

/** Projects: made by a bootstrap key; each seen and set by its own admin keys. */
@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @BootstrapOnly()
  @ApiJson(201, projectBody, 'The new project; next, give it a key (POST /api/projects/{id}/keys)')
  @ApiError(400, 'No name, or a limit that is not a whole number in range')
  @ApiError(409, 'A project has this name already (names are unique whatever their case)')
  @ApiRequestBody(CREATE_PROJECT_INPUT, PROJECT_EXAMPLES)
  create(
    @CurrentPrincipal() actor: Principal,
    @Body(new ZodValidationPipe(createProjectRequestSchema)) body: CreateProjectRequest,
  ): Promise<z.output<typeof projectBody>> {
    return this.projects.create(actor, body);
  }

  @Get()
  @ApiJson(200, projectListBody, 'Every project for a bootstrap key; the key’s own project for any other')
  async list(@CurrentPrincipal() actor: Principal): Promise<z.output<typeof projectListBody>> {
    return { items: await this.projects.list(actor) };
  }

  @Get(':id')
  @ApiJson(200, projectBody, 'The project with its limits')
  @ApiError(404, 'No such project, or not the key’s own')
  get(
    @CurrentPrincipal() actor: Principal,
    @Param(new ZodValidationPipe(projectPathSchema)) { id }: z.output<typeof projectPathSchema>,
  ): Promise<z.output<typeof projectBody>> {
    return this.projects.get(actor, id);
  }

  @Patch(':id')
  @RequiresScope('admin')
  @ApiJson(200, projectBody, 'The project as changed; limits apply on every instance within 2 s')
  @ApiError(400, 'A field that is not a setting, or a limit out of range')
  @ApiError(404, 'No such project, or not the key’s own')
  @ApiError(409, 'A project has this name already')
  @ApiRequestBody(UPDATE_PROJECT_INPUT, PROJECT_UPDATE_EXAMPLES)
  update(
    @CurrentPrincipal() actor: Principal,
    @Param(new ZodValidationPipe(projectPathSchema)) { id }: z.output<typeof projectPathSchema>,
    @Body(new ZodValidationPipe(updateProjectRequestSchema)) body: z.output<typeof updateProjectRequestSchema>,
  ): Promise<z.output<typeof projectBody>> {
    const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    return this.projects.update(actor, id, changes);
  }
}
