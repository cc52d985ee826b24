import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateUserInput } from './dto/create-user.input';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The user; its welcome email is queued' })
  @ApiBadRequestResponse({ description: 'A bad email or name' })
  @ApiConflictResponse({ description: 'The email is taken (whatever its case)' })
  create(@Body() input: CreateUserInput) {
    return this.users.create(input);
  }

  @Get(':id')
  @ApiOkResponse()
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.users.get(id);
  }
}
