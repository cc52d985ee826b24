import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentPrincipal, ProjectId } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import type { Principal } from '../projects/principal';
import { ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { requestBody } from '../docs/document-registry';
import { SECRET_EXAMPLES } from '../docs/request-examples';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { type PutSecretRequest, putSecretRequestSchema, secretPathSchema } from './secret-request';
import { secretBody, secretListBody } from './secret-responses';
import { MAX_SECRETS, SecretsService } from './secrets.service';

/** The body of POST /api/secrets, documented from the schema that validates it. */
const PUT_SECRET_INPUT = requestBody('PutSecretInput', () => putSecretRequestSchema);

/** A project's secrets go in and are deleted, by its admin keys only; no answer ever carries a value. */
@ApiTags('secrets')
@Controller('secrets')
@RequiresScope('admin')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Post()
  @HttpCode(201)
  @ApiJson(201, secretBody, 'Stored (a new name)')
  @ApiJson(200, secretBody, 'Replaced: the name had a value, which this one replaces')
  @ApiError(400, 'A bad name (not an identifier, or one the sandbox sets itself) or value (empty, over 8192 bytes)')
  @ApiError(409, `The project already has ${MAX_SECRETS} secrets: delete one first`)
  @ApiResponse({
    status: 503,
    description:
      'SECRETS_KEY is not set on the API: nothing was stored (set it, see the README); ' +
      'or the database is unavailable: try again after Retry-After',
  })
  @ApiRequestBody(PUT_SECRET_INPUT, SECRET_EXAMPLES)
  async put(
    @Body(new ZodValidationPipe(putSecretRequestSchema)) input: PutSecretRequest,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.output<typeof secretBody>> {
    const { secret, created } = await this.secrets.put(input, actor);
    if (!created) void reply.status(200);
    return secret;
  }

  @Get()
  @ApiJson(200, secretListBody, "Every secret of the key's project by name, without its value")
  async list(@ProjectId() projectId: string): Promise<z.output<typeof secretListBody>> {
    return { items: await this.secrets.list(projectId) };
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiParam({ name: 'name', description: "The secret's name", example: 'SHOP_PASSWORD' })
  @ApiNoContentResponse({ description: 'Deleted: runs that name it are refused from now on' })
  @ApiError(400, 'The name is not a secret name')
  @ApiError(404, 'The project has no secret of this name')
  async remove(
    @Param(new ZodValidationPipe(secretPathSchema)) { name }: z.output<typeof secretPathSchema>,
    @CurrentPrincipal() actor: Principal,
  ) {
    await this.secrets.remove(name, actor);
  }
}
