import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiError, ApiJson } from '../docs/api-responses';
import { USER_EXAMPLES } from '../docs/request-examples';
import type { userBody } from '../docs/response-bodies';
import { CreateUserInput } from './dto/create-user.input';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiJson(201, 'User', 'The user; its welcome email is queued')
  @ApiError(400, 'A bad email or name')
  @ApiError(409, 'The email is taken (whatever its case)')
  @ApiBody({ type: CreateUserInput, examples: USER_EXAMPLES })
  create(@Body() input: CreateUserInput): Promise<z.output<typeof userBody>> {
    return this.users.create(input);
  }

  @Get(':id')
  @ApiJson(200, 'User', 'The user')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<z.output<typeof userBody>> {
    return this.users.get(id);
  }
}
