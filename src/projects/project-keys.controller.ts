import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import { ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { requestBody } from '../docs/document-registry';
import { API_KEY_EXAMPLES } from '../docs/request-examples';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import type { Principal } from './principal';
import {
  type CreateKeyRequest,
  createKeyRequestSchema,
  projectKeyPathSchema,
  projectPathSchema,
} from './project-request';
import { apiKeyListBody, createdApiKeyBody } from './project-responses';
import { MAX_KEYS_PER_PROJECT, ProjectsService } from './projects.service';

const CREATE_KEY_INPUT = requestBody('CreateApiKeyInput', () => createKeyRequestSchema);

/** A project's keys: made, listed (never the key) and revoked by its admin keys or a bootstrap key. */
@ApiTags('projects')
@Controller('projects/:id/keys')
@RequiresScope('admin')
export class ProjectKeysController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiJson(201, createdApiKeyBody, 'The new key, in `key`: shown this once, stored only as a hash')
  @ApiError(400, 'No name, or scopes that are not a list of read, trigger, admin')
  @ApiError(404, 'No such project, or not the key’s own')
  @ApiError(409, `The project holds ${MAX_KEYS_PER_PROJECT} keys already`)
  @ApiRequestBody(CREATE_KEY_INPUT, API_KEY_EXAMPLES)
  create(
    @CurrentPrincipal() actor: Principal,
    @Param(new ZodValidationPipe(projectPathSchema)) { id }: z.output<typeof projectPathSchema>,
    @Body(new ZodValidationPipe(createKeyRequestSchema)) body: CreateKeyRequest,
  ): Promise<z.output<typeof createdApiKeyBody>> {
    return this.projects.createKey(actor, id, body);
  }

  @Get()
  @ApiJson(200, apiKeyListBody, 'Its keys, newest first: name, scopes, prefix, dates; never the key')
  @ApiError(404, 'No such project, or not the key’s own')
  async list(
    @CurrentPrincipal() actor: Principal,
    @Param(new ZodValidationPipe(projectPathSchema)) { id }: z.output<typeof projectPathSchema>,
  ): Promise<z.output<typeof apiKeyListBody>> {
    return { items: await this.projects.listKeys(actor, id) };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: refused from now on by every API instance (within a second)' })
  @ApiError(400, 'An id that is not a UUID')
  @ApiError(404, 'No such project or key, or not the key’s own project')
  async revoke(
    @CurrentPrincipal() actor: Principal,
    @Param(new ZodValidationPipe(projectKeyPathSchema)) { id, keyId }: z.output<typeof projectKeyPathSchema>,
  ): Promise<void> {
    await this.projects.revokeKey(actor, id, keyId);
  }
}
