import { ProjectId } from '../auth/principal.decorator';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiError, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { USER_EXAMPLES } from '../docs/request-examples';
import { userBody, userPageBody } from './user-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { type CreateUserRequest, createUserRequestSchema } from './user-request.schema';
import { UsersService } from './users.service';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const CREATE_USER_INPUT = requestBody('CreateUserInput', () => createUserRequestSchema);

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiJson(201, userBody, 'The user; its welcome email is queued')
  @ApiError(400, 'A bad email or name')
  @ApiError(409, 'The email is taken in this project (whatever its case)')
  @ApiRequestBody(CREATE_USER_INPUT, USER_EXAMPLES)
  create(
    @Body(new ZodValidationPipe(createUserRequestSchema)) input: CreateUserRequest,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof userBody>> {
    return this.users.create(input, projectId);
  }

  @Get()
  @ApiJson(200, userPageBody, "{ items, nextCursor }: the project's users, newest first")
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof userPageBody>> {
    return this.users.list(projectId, query);
  }

  @Get(':id')
  @ApiJson(200, userBody, 'The user')
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof userBody>> {
    return this.users.get(id, projectId);
  }
}
